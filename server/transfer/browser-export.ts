// An export started in the browser: written into the data dir under a name
// nobody can guess, kept until an admin removes it, and downloaded by name
// `<address>-<date>.mbox` (or .zip).
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { AuthorizedMailboxId } from "../access/gate.ts";
import { sql } from "../db/raw-sql.ts";
import { InputError } from "../errors.ts";
import { type ExportFormat, startExport, transfersDir } from "./start-transfer.ts";
import type { TransferJob } from "./transfer-jobs.ts";

export async function startBrowserExport(input: {
  mailboxId: AuthorizedMailboxId;
  format: ExportFormat;
  query?: string | null;
  actorId: number;
  ip?: string | null;
  now?: Date;
}): Promise<TransferJob> {
  const [mailbox] = await sql.$queryRaw<{ address: string }[]>`
    select address from "Mailbox" where id = ${input.mailboxId}::int`;
  if (!mailbox) throw new InputError("No such mailbox.", "not_found");
  const extension = input.format === "eml-zip" ? "zip" : "mbox";
  const day = (input.now ?? new Date()).toISOString().slice(0, 10);
  return startExport({
    mailboxId: input.mailboxId,
    out: path.join(await transfersDir(), `export-${randomUUID()}.${extension}`),
    fileName: `${mailbox.address}-${day}.${extension}`,
    format: input.format,
    query: input.query,
    runner: "worker",
    ownsFile: true,
    actorId: input.actorId,
    ip: input.ip,
  });
}
