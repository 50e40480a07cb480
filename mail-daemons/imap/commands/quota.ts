// RFC 9208 QUOTA: GETQUOTAROOT names the roots of a mailbox and their
// usage, GETQUOTA one root; STORAGE in KiB (§5.1) and MESSAGE (§5.2).
// Limits are set by admins in the web app, so SETQUOTA is refused (no
// QUOTASET capability, §4.1.3).
import type { QuotaRoot } from "../backend.ts";
import { parseMailboxName } from "../parser/mailbox-name.ts";
import { encodeAstring } from "../response/encode.ts";
import { encodeMailboxName } from "../response/mailbox-name.ts";
import type { Session } from "../session/session.ts";
import { AUTHENTICATED, defineCommand, no, ok } from "./command.ts";

function quotaLine(session: Session, root: QuotaRoot): string {
  const resources: string[] = [];
  if (root.storage) resources.push(`STORAGE ${root.storage.usedKiB} ${root.storage.limitKiB}`);
  if (root.messages) resources.push(`MESSAGE ${root.messages.used} ${root.messages.limit}`);
  return `QUOTA ${encodeAstring(root.name, session).toString("utf8")} (${resources.join(" ")})`;
}

export const getQuotaRootCommand = defineCommand({
  name: "GETQUOTAROOT",
  states: AUTHENTICATED,
  parse(cursor, options) {
    cursor.sp();
    return parseMailboxName(cursor, options);
  },
  async run({ session }, mailbox) {
    const roots = await session.backend.quotaRoots(session.requirePrincipal, mailbox);
    if (!roots) return no("No such mailbox", "NONEXISTENT");
    const name = encodeAstring(encodeMailboxName(mailbox, session.utf8), session).toString("utf8");
    const rootNames = roots.map((root) => ` ${encodeAstring(root.name, session).toString("utf8")}`).join("");
    await session.writer.untagged(`QUOTAROOT ${name}${rootNames}`);
    for (const root of roots) await session.writer.untagged(quotaLine(session, root));
    return ok("GETQUOTAROOT completed");
  },
});

export const getQuotaCommand = defineCommand({
  name: "GETQUOTA",
  states: AUTHENTICATED,
  parse(cursor) {
    cursor.sp();
    return cursor.astring().toString("utf8");
  },
  async run({ session }, rootName) {
    const root = await session.backend.quota(session.requirePrincipal, rootName);
    if (!root) return no("No such quota root", "NONEXISTENT");
    await session.writer.untagged(quotaLine(session, root));
    return ok("GETQUOTA completed");
  },
});

export const setQuotaCommand = defineCommand({
  name: "SETQUOTA",
  states: AUTHENTICATED,
  parse(cursor) {
    cursor.sp();
    cursor.astring();
    cursor.sp();
    cursor.list(() => {
      cursor.atom();
      cursor.sp();
      return cursor.number(Number.MAX_SAFE_INTEGER);
    }, true);
    return null;
  },
  async run() {
    return no("Quotas are set by an administrator", "NOPERM");
  },
});
