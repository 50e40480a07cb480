// yubin connector add ADDRESS imaps://user@host:993 --password-file F [--ca-file F] [--folders INBOX,…]
//                        [--since DATE] [--no-certificate-check] [--skip-test]
//                        [--mark-seen off|imported|closed] [--move-to FOLDER]
//                        [--relay smtp[s]://user@host:port --relay-password-file F]
// yubin connector edit|set ID [--url imaps://…] [--password-file F] [--ca-file F | --no-ca] [--folders …]
//                        [--since DATE | --no-since] [--certificate-check | --no-certificate-check]
//                        [--mark-seen …] [--move-to FOLDER | --no-move]
//                        [--relay URL] [--relay-password-file F] [--no-relay]
// yubin connector list [ADDRESS] [--json]
// yubin connector test|pause|resume|remove ID
// A remote IMAP mailbox imported and kept in sync into a shared mailbox
// (server/connectors/). `add` tests the connection (and the relay) first and
// says which step failed (DNS, TCP, TLS, authentication, folder, relay); the password is read from a
// file, never from the command line (where `ps` and shell history show it),
// and never printed. The mail role of a running Yubin takes the connector up
// within seconds. `edit` changes what it is given and keeps the rest, the
// passwords included, and the sync state unless the host or user changes
// (connector-admin.ts updateConnector).
import { readFileSync } from "node:fs";
import {
  addConnector,
  type ConnectorSettings,
  type ConnectorView,
  listConnectors,
  type MarkSeen,
  type RelaySettings,
  removeConnector,
  setConnectorPaused,
  updateConnector,
} from "../../server/connectors/connector-admin.ts";
import { parseConnectorUrl } from "../../server/connectors/connector-url.ts";
import { parseRelayUrl } from "../../server/connectors/relay-url.ts";
import { testConnection, testConnectorById } from "../../server/connectors/test-connection.ts";
import { testRelay, testStoredRelay } from "../../server/connectors/test-relay.ts";
import { loadEnv } from "../../server/env.ts";
import { InputError } from "../../server/errors.ts";
import { parseCommand, subcommand, UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

function readSmallFile(flag: string, file: string): string {
  try {
    const text = readFileSync(file, "utf8");
    if (text.length > 1_000_000) throw new InputError(`--${flag}: ${file} is too large`);
    return text;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      `--${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

function parseDate(text: string | undefined): Date | null {
  if (text === undefined) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new InputError(`--since: "${text}" is not a date (YYYY-MM-DD or an ISO timestamp)`);
  }
  return date;
}

function parseId(text: string): number {
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647)
    throw new InputError(`"${text}" is not a connector id`);
  return Number(text);
}

export function describeConnector(c: ConnectorView): string {
  const progress = c.scanTotal > 0 && c.scanDone < c.scanTotal ? ` ${progressBar(c.scanDone, c.scanTotal)}` : "";
  const writeBack = [
    c.markSeen === "imported" ? "mark seen on import" : c.markSeen === "closed" ? "mark seen when closed" : null,
    c.moveTo ? `move to ${c.moveTo}` : null,
  ].filter(Boolean);
  const lines = [
    `#${c.id} ${c.address} ← ${c.url} (${c.folders.join(", ")}${c.since ? `, since ${c.since.toISOString().slice(0, 10)}` : ""})`,
    `  ${c.status}${progress}; ${c.imported} imported; last sync ${c.lastSyncAt?.toISOString() ?? "never"}${c.owner ? `; run by ${c.owner}` : ""}`,
    `  write-back: ${writeBack.length ? writeBack.join(", ") : "off"}; replies from ${c.address} via ${c.relay ? c.relay.url : "the queue's own route"}`,
  ];
  if (c.lastError) lines.push(`  last error ${c.lastErrorAt?.toISOString() ?? ""}: ${c.lastError}`);
  return lines.join("\n");
}

export function progressBar(done: number, total: number, width = 20): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

const WRITE_BACK_AND_RELAY = {
  "mark-seen": { type: "string" },
  "move-to": { type: "string" },
  relay: { type: "string" },
  "relay-password-file": { type: "string" },
} as const;

function parseMarkSeen(text: string | undefined): MarkSeen | undefined {
  if (text === undefined) return undefined;
  if (text !== "off" && text !== "imported" && text !== "closed") {
    throw new UsageError(`--mark-seen: "${text}" is not off, imported or closed`);
  }
  return text;
}

function parseFolders(text: string): string[] {
  return text
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
}

/** --relay URL with --relay-password-file F (the password may be left out by edit, which keeps the stored one). */
function parseRelay(values: { relay?: string; "relay-password-file"?: string }, passwordNeeded: boolean) {
  if (values.relay === undefined) {
    if (values["relay-password-file"]) throw new UsageError("--relay-password-file goes with --relay URL");
    return undefined;
  }
  if (passwordNeeded && !values["relay-password-file"])
    throw new UsageError("--relay needs --relay-password-file FILE");
  const relay: RelaySettings = parseRelayUrl(values.relay);
  if (values["relay-password-file"]) {
    relay.password = readSmallFile("relay-password-file", values["relay-password-file"]).replace(/\r?\n$/, "");
  }
  return relay;
}

async function add(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    rest,
    {
      "password-file": { type: "string" },
      "ca-file": { type: "string" },
      folders: { type: "string" },
      since: { type: "string" },
      "no-certificate-check": { type: "boolean" },
      "skip-test": { type: "boolean" },
      ...WRITE_BACK_AND_RELAY,
    },
    ["ADDRESS", "URL"],
  );
  const [address, url] = positionals as [string, string];
  if (!values["password-file"]) throw new UsageError("connector add needs --password-file FILE");
  const endpoint = parseConnectorUrl(url);
  // One trailing line break is the file's, not the password's.
  const password = readSmallFile("password-file", values["password-file"]).replace(/\r?\n$/, "");
  const caPem = values["ca-file"] ? readSmallFile("ca-file", values["ca-file"]) : null;
  const folders = values.folders
    ? values.folders
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean)
    : ["INBOX"];
  const settings = {
    ...endpoint,
    password,
    caPem,
    folders,
    since: parseDate(values.since),
    checkCertificate: !values["no-certificate-check"],
    markSeen: parseMarkSeen(values["mark-seen"]),
    moveTo: values["move-to"] ?? null,
    relay: parseRelay(values, true) ?? null,
  };
  if (!values["skip-test"]) {
    const report = await testConnection(settings);
    if (!report.ok) throw new InputError(`${report.message} (nothing saved; --skip-test saves it anyway)`);
    console.log(report.message);
    if (settings.relay) {
      const relay = await testRelay(settings.relay, { caPem });
      if (!relay.ok) throw new InputError(`${relay.message} (nothing saved; --skip-test saves it anyway)`);
      console.log(relay.message);
    }
  }
  return withDatabase(async () => {
    const c = await addConnector({ address, settings, dataDir: loadEnv().dataDir, actorId: null });
    console.log(`connector #${c.id} added: ${c.url} → ${c.address}; the mail role imports it from now on`);
    return 0;
  });
}

async function edit(rest: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    rest,
    {
      url: { type: "string" },
      "password-file": { type: "string" },
      "ca-file": { type: "string" },
      "no-ca": { type: "boolean" },
      folders: { type: "string" },
      since: { type: "string" },
      "no-since": { type: "boolean" },
      "certificate-check": { type: "boolean" },
      "no-certificate-check": { type: "boolean" },
      "no-move": { type: "boolean" },
      "no-relay": { type: "boolean" },
      ...WRITE_BACK_AND_RELAY,
    },
    ["ID"],
  );
  const id = parseId(positionals[0] as string);
  const pairs: [string, string][] = [
    ["ca-file", "no-ca"],
    ["since", "no-since"],
    ["certificate-check", "no-certificate-check"],
    ["move-to", "no-move"],
    ["relay", "no-relay"],
  ];
  for (const [a, b] of pairs) {
    if (values[a as keyof typeof values] !== undefined && values[b as keyof typeof values]) {
      throw new UsageError(`--${a} and --${b} cannot go together`);
    }
  }
  const changes: Partial<ConnectorSettings> = {};
  if (values.url) Object.assign(changes, parseConnectorUrl(values.url));
  if (values["password-file"]) {
    changes.password = readSmallFile("password-file", values["password-file"]).replace(/\r?\n$/, "");
  }
  if (values["ca-file"]) changes.caPem = readSmallFile("ca-file", values["ca-file"]);
  if (values["no-ca"]) changes.caPem = null;
  if (values.folders !== undefined) changes.folders = parseFolders(values.folders);
  if (values.since !== undefined) changes.since = parseDate(values.since);
  if (values["no-since"]) changes.since = null;
  if (values["certificate-check"]) changes.checkCertificate = true;
  if (values["no-certificate-check"]) changes.checkCertificate = false;
  changes.markSeen = parseMarkSeen(values["mark-seen"]);
  if (values["move-to"] !== undefined) changes.moveTo = values["move-to"];
  if (values["no-move"]) changes.moveTo = null;
  const relay = parseRelay(values, false);
  if (relay) changes.relay = relay;
  if (values["no-relay"]) changes.relay = null;
  for (const key of Object.keys(changes) as (keyof ConnectorSettings)[]) {
    if (changes[key] === undefined) delete changes[key];
  }
  if (Object.keys(changes).length === 0) throw new UsageError("connector edit: nothing to change");
  return withDatabase(async () => {
    const before = (await listConnectors()).find((c) => c.id === id);
    const c = await updateConnector({ id, changes, dataDir: loadEnv().dataDir, actorId: null });
    const reset = before && (before.host !== c.host || before.username !== c.username);
    console.log(describeConnector(c));
    console.log(
      reset
        ? "another host or user: its folders are scanned from the start (mail imported before is not stored twice)"
        : "sync state kept; the mail role takes the new settings up within seconds",
    );
    return 0;
  });
}

export async function connectorCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("connector", args, [
    "add",
    "edit",
    "set",
    "list",
    "test",
    "pause",
    "resume",
    "remove",
  ]);
  if (verb === "add") return add(rest);
  if (verb === "edit" || verb === "set") return edit(rest);
  if (verb === "list") {
    const { values, positionals } = parseCommand(
      rest,
      { json: { type: "boolean" } },
      rest.filter((a) => !a.startsWith("--")).length ? ["ADDRESS"] : [],
    );
    return withDatabase(async () => {
      const list = await listConnectors({ address: positionals[0] });
      if (values.json) console.log(JSON.stringify(list));
      else console.log(list.length ? list.map(describeConnector).join("\n") : "no connectors");
      return 0;
    });
  }
  const { positionals } = parseCommand(rest, {}, ["ID"]);
  const id = parseId(positionals[0] as string);
  return withDatabase(async () => {
    if (verb === "test") {
      const report = await testConnectorById(id, loadEnv().dataDir);
      console.log(report.message);
      // The relay too, when the connector has one: a refused relay password is otherwise found only by a reply.
      const relay = await testStoredRelay(id, loadEnv().dataDir);
      if (relay) console.log(relay.message);
      return report.ok && (relay?.ok ?? true) ? 0 : 1;
    }
    if (verb === "remove") {
      const c = await removeConnector({ id, actorId: null });
      console.log(`connector #${id} removed (${c.url} → ${c.address}); the ${c.imported} messages it imported stay`);
      return 0;
    }
    const c = await setConnectorPaused({ id, paused: verb === "pause", actorId: null });
    console.log(describeConnector(c));
    return 0;
  });
}
