// yubin mailbox quota ADDRESS [SIZE] [--messages N|unlimited] [--warn 80,95] [--recalculate] [--json]
// Sets what is given, recounts with --recalculate, and then prints the
// mailbox's usage against its limits with its largest folders.
import { parseArgs } from "node:util";
import { InputError } from "../../server/errors.ts";
import { normalizeAddress } from "../../server/mailboxes/address.ts";
import { formatSize, parseSize } from "../../server/mailboxes/quota-size.ts";
import { type MailboxUsage, quotaOverview } from "../../server/quotas/quota-overview.ts";
import { recalculateUsage } from "../../server/quotas/recalculate-usage.ts";
import { setQuotaLimits } from "../../server/quotas/set-quota-limits.ts";
import { UsageError } from "../parse.ts";
import { withDatabase } from "../with-database.ts";

const options = {
  messages: { type: "string" },
  warn: { type: "string" },
  recalculate: { type: "boolean" },
  json: { type: "boolean" },
} as const;

function parseMessages(text: string): number | null {
  if (text === "unlimited" || text === "") return null;
  if (!/^\d+$/.test(text)) throw new InputError(`"${text}" is not a message count (a whole number, or "unlimited")`);
  return Number(text);
}

function parseWarn(text: string): number[] {
  return text
    .split(",")
    .map((s) => s.trim().replace(/%$/, ""))
    .filter(Boolean)
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new InputError(`"${s}" is not a percentage`);
      return Number(s);
    });
}

export async function mailboxQuotaCommand(args: string[]): Promise<number> {
  let parsed: {
    values: { messages?: string; warn?: string; recalculate?: boolean; json?: boolean };
    positionals: string[];
  };
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ""));
  }
  const { values, positionals } = parsed;
  if (positionals.length < 1 || positionals.length > 2) {
    throw new UsageError(`expected ADDRESS [SIZE], got ${positionals.join(" ") || "nothing"}`);
  }
  const address = normalizeAddress(positionals[0] as string).address;
  const size = positionals[1];
  const quotaBytes = size === undefined ? undefined : parseSize(size);
  const quotaMessages = values.messages === undefined ? undefined : parseMessages(values.messages);
  const warnPercents = values.warn === undefined ? undefined : parseWarn(values.warn);
  return withDatabase(async () => {
    if (quotaBytes !== undefined || quotaMessages !== undefined || warnPercents !== undefined) {
      const set = await setQuotaLimits({ address, quotaBytes, quotaMessages, warnPercents, actorId: null });
      if (quotaBytes !== undefined && !values.json)
        console.log(`quota of ${address} is now ${formatSize(set.quotaBytes)}`);
    }
    const recalculation = values.recalculate ? await recalculateUsage({ address, actorId: null }) : null;
    const mailbox = (await quotaOverview()).find((m) => m.address === address);
    if (!mailbox) throw new InputError(`no mailbox ${address}`, "not_found");
    if (values.json) {
      console.log(JSON.stringify({ ...mailbox, recalculation }));
      return 0;
    }
    if (recalculation) {
      const { drift, after } = recalculation;
      const none = drift.bytes === 0 && drift.messages === 0;
      console.log(
        `${address}: recounted ${after.messages} messages, ${after.bytes} bytes; ` +
          (none ? "no drift" : `drift ${signed(drift.messages)} messages, ${signed(drift.bytes)} bytes (corrected)`),
      );
    }
    console.log(describe(mailbox));
    return 0;
  });
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function describe(m: MailboxUsage): string {
  const bytes = `${formatSize(m.usedBytes)} of ${formatSize(m.quotaBytes)}`;
  const messages = `${m.usedMessages} of ${m.quotaMessages ?? "unlimited"} messages`;
  const warn = m.warnPercents.length ? `warnings at ${m.warnPercents.map((p) => `${p}%`).join(", ")}` : "no warnings";
  const reached = m.level > 0 ? ` (${m.level}% reached)` : "";
  const folders = m.largestFolders.map((f) => `${f.name} ${formatSize(f.bytes)} (${f.messages})`).join(", ");
  return `${m.address}: ${bytes}, ${messages}; ${warn}${reached}${folders ? `; largest folders: ${folders}` : ""}`;
}
