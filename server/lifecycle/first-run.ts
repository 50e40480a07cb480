// First run: the database has no users yet. Creates the first local domain,
// the admin (from YUBIN_ADMIN_EMAIL / YUBIN_ADMIN_PASSWORD, or with a generated
// password that is shown once and never stored in clear) and a shared
// support@ mailbox the admin belongs to, so mail can arrive at once.
import { randomBytes } from "node:crypto";
import { db } from "../db.ts";
import { addDomain } from "../domains/add-domain.ts";
import { normalizeAddress } from "../mailboxes/address.ts";
import { createMailbox } from "../mailboxes/create-mailbox.ts";
import { createUser } from "../users/create-user.ts";

export interface BootstrapResult {
  adminEmail: string;
  /** Set only when Yubin generated the password (print it once). */
  generatedPassword: string | null;
  sharedMailbox: string;
}

export async function bootstrapFirstRun(input: {
  hostname: string;
  adminEmail?: string;
  adminPassword?: string;
}): Promise<BootstrapResult | null> {
  if ((await db().user.count()) > 0) return null;
  const { address: adminEmail, domain } = normalizeAddress(input.adminEmail ?? `admin@${input.hostname}`);
  if (!(await db().domain.findUnique({ where: { name: domain } }))) await addDomain({ name: domain, actorId: null });
  const generatedPassword = input.adminPassword ? null : randomBytes(12).toString("base64url");
  await createUser({
    email: adminEmail,
    password: input.adminPassword ?? (generatedPassword as string),
    name: "Administrator",
    role: "admin",
    actorId: null,
  });
  const sharedMailbox = `support@${domain}`;
  if (!(await db().mailbox.findUnique({ where: { address: sharedMailbox } }))) {
    await createMailbox({
      address: sharedMailbox,
      kind: "shared",
      displayName: "Support",
      memberEmails: [adminEmail],
      actorId: null,
    });
  }
  return { adminEmail, generatedPassword, sharedMailbox };
}
