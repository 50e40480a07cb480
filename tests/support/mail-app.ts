// Yubin as the browser tests run it: the web app and its MX on the loopback
// against a fresh test database, with mail delivered to the MX as a
// customer's server would send it.
import nodemailer from "nodemailer";
import { useTestDatabase } from "./database.ts";
import { freePort, startYubinProcess, type YubinProcess } from "./yubin-process.ts";

/**
 * Starts Yubin (roles "web,mail" unless given) on a fresh, migrated test
 * database, which also becomes this test process's DATABASE_URL. First run
 * creates the admin given; the MX listens on a free loopback port as host
 * 127.0.0.1. `env` is merged last, so it may add to or override any of these.
 */
export async function startMailApp(options: {
  admin: { email: string; password: string };
  env?: Record<string, string>;
  roles?: string;
}): Promise<{ yubin: YubinProcess; smtpPort: number }> {
  const smtpPort = await freePort();
  const yubin = await startYubinProcess({
    roles: options.roles ?? "web,mail",
    env: {
      // biome-ignore lint/correctness/useHookAtTopLevel: useTestDatabase is a test helper, not a React hook.
      DATABASE_URL: await useTestDatabase(),
      YUBIN_HOSTNAME: "127.0.0.1",
      YUBIN_SMTP_PORT: String(smtpPort),
      YUBIN_ADMIN_EMAIL: options.admin.email,
      YUBIN_ADMIN_PASSWORD: options.admin.password,
      ...options.env,
    },
  });
  return { yubin, smtpPort };
}

/** Sends one message to Yubin's MX as a customer's server does: STARTTLS, Yubin's self-signed certificate accepted. */
export async function deliverToYubin(smtpPort: number, mail: nodemailer.SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: smtpPort,
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail(mail);
  } finally {
    transport.close();
  }
}
