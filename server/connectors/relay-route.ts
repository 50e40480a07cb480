// Which relay a queued message leaves through: mail whose envelope sender is
// a mailbox's address (or one of its aliases) goes through the SMTP relay of
// that mailbox's connector when one is set (connector-admin.ts allows one per
// mailbox) — the remote provider's submission server, so the mail is signed
// and sent as the provider sends that address's mail (its SPF, its DKIM).
// Everything else takes the queue's own route (MX, or YUBIN_SMARTHOST).
// Decided when the delivery worker tries the job, not when it was queued, so
// a relay set or fixed later applies to mail still waiting. A paused
// connector still relays: pausing stops the import, not the sending.
import { sql } from "../db/raw-sql.ts";
import { openPassword } from "./password-box.ts";

export interface RelayRoute {
  connectorId: number;
  host: string;
  port: number;
  implicitTls: boolean;
  verify: boolean;
  user: string;
  pass: string;
  /** The connector's CA file, trusted beside the system's roots (a relay on a private certificate). */
  ca: string | null;
  /** For reasons in the queue: "relay smtp.example.com:587 of support@example.com (connector #3)". */
  label: string;
}

export type RelayLookup = RelayRoute | { connectorId: number; label: string; failure: string };

interface Row {
  sender: string;
  id: number;
  address: string;
  relayHost: string;
  relayPort: number;
  relayTls: "implicit" | "starttls";
  relayCheckCertificate: boolean;
  relayUsername: string;
  relayPasswordBox: string;
  caPem: string | null;
}

/** The relay for each sender that has one (lower-cased envelope senders in, the same keys out). */
export async function relaysForSenders(senders: string[], dataDir: string): Promise<Map<string, RelayLookup>> {
  const wanted = [...new Set(senders.map((s) => s.toLowerCase()).filter(Boolean))];
  const found = new Map<string, RelayLookup>();
  if (wanted.length === 0) return found;
  const rows = await sql.$queryRaw<Row[]>`
    select s.sender, c.id, m.address, c."relayHost", c."relayPort", c."relayTls"::text as "relayTls",
      c."relayCheckCertificate", c."relayUsername", c."relayPasswordBox", c."caPem"
    from unnest(${wanted}::text[]) as s(sender)
    join "Mailbox" m on lower(m.address) = s.sender
      or m.id in (select a."mailboxId" from "Alias" a where lower(a.address) = s.sender)
    join "Connector" c on c."mailboxId" = m.id and c."relayHost" is not null and c."relayPasswordBox" is not null
    order by c.id desc`;
  for (const r of rows) {
    const label = `relay ${r.relayHost}:${r.relayPort} of ${r.address} (connector #${r.id})`;
    let pass: string;
    try {
      pass = openPassword(dataDir, r.relayPasswordBox);
    } catch (e) {
      found.set(r.sender, { connectorId: r.id, label, failure: `${label}: ${(e as Error).message}` });
      continue;
    }
    found.set(r.sender, {
      connectorId: r.id,
      host: r.relayHost,
      port: r.relayPort,
      implicitTls: r.relayTls === "implicit",
      verify: r.relayCheckCertificate,
      user: r.relayUsername,
      pass,
      ca: r.caPem,
      label,
    });
  }
  return found;
}
