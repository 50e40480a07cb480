// Which of the searcher's mailboxes a query covers: every mailbox they belong
// to, narrowed by mailbox: terms (an address or its local part).
import { InputError } from "../errors.ts";
import { listMemberMailboxes } from "../mailboxes/list-member-mailboxes.ts";
import type { SearchTerm } from "./parse-query.ts";

/**
 * The ids of the mailboxes searched; empty when negated terms excluded them all. A positive
 * mailbox: that names none of the user's mailboxes is a mistake the searcher is told about.
 */
export async function searchMailboxIds(userId: number, terms: SearchTerm[]): Promise<number[]> {
  let mailboxes = await listMemberMailboxes(userId);
  const mailboxTerms = terms.filter((t) => t.kind === "mailbox");
  const matchesMailbox = (value: string) => (m: { address: string }) => {
    const address = m.address.toLowerCase();
    return address === value || address.split("@")[0] === value;
  };
  const wanted = mailboxTerms.filter((t) => !t.negated);
  if (wanted.length) {
    mailboxes = mailboxes.filter((m) => wanted.some((t) => matchesMailbox(t.value)(m)));
    if (mailboxes.length === 0) {
      throw new InputError(`None of your mailboxes is ${wanted.map((t) => `mailbox:${t.value}`).join(" or ")}`);
    }
  }
  for (const t of mailboxTerms.filter((t) => t.negated)) {
    mailboxes = mailboxes.filter((m) => !matchesMailbox(t.value)(m));
  }
  return mailboxes.map((m) => m.id);
}
