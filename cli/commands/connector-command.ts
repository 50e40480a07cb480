// yubin connector add ADDRESS imaps://user@host:993 --password-file F [--ca-file F] [--folders INBOX,…]
//                        [--since DATE] [--no-certificate-check] [--skip-test]
// yubin connector list [ADDRESS] [--json]
// yubin connector test|pause|resume|remove ID
// A remote IMAP mailbox imported and kept in sync into a shared mailbox
// (server/connectors/). `add` tests the connection first and says which step
// failed (DNS, TCP, TLS, authentication, folder); the password is read from a
// file, never from the command line (where `ps` and shell history show it),
// and never printed. The mail role of a running Yubin takes the connector up
// within seconds.
import { readFileSync } from "node:fs";
import {
  addConnector,
  type ConnectorView,
  listConnectors,
  removeConnector,
  setConnectorPaused,
} from "../../server/connectors/connector-admin.ts";
import { parseConnectorUrl } from "../../server/connectors/connector-url.ts";
import { testConnection, testConnectorById } from "../../server/connectors/test-connection.ts";
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
  const lines = [
    `#${c.id} ${c.address} ← ${c.url} (${c.folders.join(", ")}${c.since ? `, since ${c.since.toISOString().slice(0, 10)}` : ""})`,
    `  ${c.status}${progress}; ${c.imported} imported; last sync ${c.lastSyncAt?.toISOString() ?? "never"}${c.owner ? `; run by ${c.owner}` : ""}`,
  ];
  if (c.lastError) lines.push(`  last error ${c.lastErrorAt?.toISOString() ?? ""}: ${c.lastError}`);
  return lines.join("\n");
}

export function progressBar(done: number, total: number, width = 20): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
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
  };
  if (!values["skip-test"]) {
    const report = await testConnection(settings);
    if (!report.ok) throw new InputError(`${report.message} (nothing saved; --skip-test saves it anyway)`);
    console.log(report.message);
  }
  return withDatabase(async () => {
    const c = await addConnector({ address, settings, dataDir: loadEnv().dataDir, actorId: null });
    console.log(`connector #${c.id} added: ${c.url} → ${c.address}; the mail role imports it from now on`);
    return 0;
  });
}

export async function connectorCommand(args: string[]): Promise<number> {
  const [verb, rest] = subcommand("connector", args, ["add", "list", "test", "pause", "resume", "remove"]);
  if (verb === "add") return add(rest);
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
      return report.ok ? 0 : 1;
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
