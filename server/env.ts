// Yubin's configuration, validated once and shared by the web app, the mail
// daemons and the CLI. Every variable is optional (see README "Configuration").
import path from "node:path";
import { z } from "zod";
import { TRACE_RETENTION_DAYS } from "./limits.ts";

const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0, "must be 0 (disabled) or a port number")
    .max(65535, "must be a port number (0-65535)")
    .default(fallback);

const count = (fallback: number) => z.coerce.number().int().min(1).max(1000).default(fallback);
const seconds = (fallback: number) => z.coerce.number().min(0).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const schema = z.object({
  DATABASE_URL: optionalString,
  // Empty counts as unset: an empty value must not make the current directory the data dir.
  YUBIN_DATA_DIR: optionalString.transform((v) => v ?? "./data"),
  YUBIN_HOSTNAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, "must be a host name")
    .default("localhost"),
  YUBIN_HTTP_PORT: port(3000),
  YUBIN_SMTP_PORT: port(2525),
  YUBIN_SUBMISSION_PORT: port(2587),
  YUBIN_SUBMISSIONS_PORT: port(2465),
  YUBIN_IMAP_PORT: port(2143),
  YUBIN_IMAPS_PORT: port(2993),
  YUBIN_POP3_PORT: port(2110),
  YUBIN_POP3S_PORT: port(2995),
  YUBIN_DNS_SERVERS: optionalString,
  YUBIN_SMARTHOST: optionalString,
  YUBIN_SMTP_OUTBOUND_PORT: port(25),
  YUBIN_TLS_CERT: optionalString,
  YUBIN_TLS_KEY: optionalString,
  YUBIN_ADMIN_EMAIL: optionalString,
  YUBIN_ADMIN_PASSWORD: optionalString,
  /** Shared by every web process of one installation; generated into the data dir when unset. */
  YUBIN_SESSION_SECRET: optionalString,
  /** Outbound queue (the `delivery` role); Postfix-like defaults. Concurrent delivery workers per process. */
  YUBIN_DELIVERY_WORKERS: count(10),
  /** Simultaneous connections per destination domain (or smarthost) per process. */
  YUBIN_DELIVERY_MAX_PER_DESTINATION: count(10),
  /** First retry delay after a 4xx; it doubles per attempt up to the maximum. */
  YUBIN_QUEUE_RETRY_MIN_SECONDS: seconds(300),
  YUBIN_QUEUE_RETRY_MAX_SECONDS: seconds(3600),
  /** Give up (expired, DSN to the sender) after this long in the queue: 5 days. */
  YUBIN_QUEUE_LIFETIME_SECONDS: seconds(5 * 24 * 3600),
  /** Send one "delayed" DSN once a message has waited this long; 0 never. */
  YUBIN_QUEUE_DELAY_NOTICE_SECONDS: seconds(4 * 3600),
  /** How long a worker holds claimed jobs; a crashed worker's jobs are retried after it. */
  YUBIN_DELIVERY_LEASE_SECONDS: seconds(300),
  /** Idle workers look for due jobs this often (new mail also wakes them by NOTIFY). */
  YUBIN_DELIVERY_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** Processes serving the inbound MX; more than 1 runs them as a cluster sharing the port. */
  YUBIN_SMTP_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * The address browsers use for the web app, e.g. https://mail.example.com
   * behind a TLS-terminating proxy: links, next-auth's NEXTAUTH_URL, and
   * Secure cookies when it is https.
   */
  YUBIN_PUBLIC_URL: optionalString.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+\/?$/, "must be http(s)://host[:port] with no path")
      .transform((v) => v.replace(/\/$/, ""))
      .optional(),
  ),
  /**
   * Set when a reverse proxy in front of the web role sets X-Forwarded-For
   * (appending) and X-Forwarded-Proto; otherwise both headers are replaced by
   * what the web role sees itself.
   */
  YUBIN_TRUST_PROXY: z
    .enum(["", "0", "1", "false", "true"], { message: "must be true or false" })
    .default("")
    .transform((v) => v === "1" || v === "true"),
  /**
   * Days the message trace (every SMTP transaction in and out) is kept before
   * the background purge removes it; 0 turns tracing off.
   */
  YUBIN_TRACE_RETENTION_DAYS: z.preprocess(
    // Empty is unset (the default), not 0: tracing goes off only when asked.
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number()
      .int("must be a whole number of days")
      .min(0, "must be 0 (tracing off) or a number of days")
      .max(3650, "must be at most 3650 days")
      .default(TRACE_RETENTION_DAYS),
  ),
  /** Address the listeners bind to. */
  YUBIN_BIND_ADDRESS: z.string().default("0.0.0.0"),
});

export type Env = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.YUBIN_DATA_DIR) };
}
