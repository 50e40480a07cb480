// First run: the database has no users yet. Creates the admin, from
// YUBIN_ADMIN_EMAIL / YUBIN_ADMIN_PASSWORD or with a generated password that
// is shown once and never stored in clear.
import { randomBytes } from "node:crypto";
import { db } from "../db.ts";
import { createUser } from "../users/create-user.ts";

export interface BootstrapResult {
  adminEmail: string;
  /** Set only when Yubin generated the password (print it once). */
  generatedPassword: string | null;
}

export async function bootstrapFirstRun(input: {
  hostname: string;
  adminEmail?: string;
  adminPassword?: string;
}): Promise<BootstrapResult | null> {
  if ((await db().user.count()) > 0) return null;
  const adminEmail = input.adminEmail ?? `admin@${input.hostname}`;
  const generatedPassword = input.adminPassword ? null : randomBytes(12).toString("base64url");
  await createUser({
    email: adminEmail,
    password: input.adminPassword ?? (generatedPassword as string),
    name: "Administrator",
    role: "admin",
    actorId: null,
  });
  return { adminEmail: adminEmail.toLowerCase(), generatedPassword };
}
