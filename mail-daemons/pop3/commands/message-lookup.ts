// RFC 1939 §5: a message number out of range, or of a message marked
// deleted, is answered "-ERR no such message" by every command that takes one.
import type { MaildropMessage } from "../backend.ts";
import { err } from "../responses.ts";
import type { Pop3Session } from "../session.ts";

export async function findMessage(session: Pop3Session, number: number): Promise<MaildropMessage | null> {
  const message = session.openMaildrop.lookup(number);
  if (!message) await session.send(err("No such message"));
  return message;
}
