// Realistic support-inbox mail for load generation: plain-text customer
// messages of an exact size, each with its own Message-ID, subject, sender and
// body, so that no store deduplicates or threads them together.
import { randomBytes } from "node:crypto";
import { dotStuff } from "./smtp-client.ts";

const WORDS = (
  "order invoice delivery account password reset refund shipping address payment card charge subscription " +
  "renewal cancel upgrade plan team member access login error page report export import calendar sync " +
  "mobile app browser update version release notes attachment receipt tracking number warehouse package " +
  "courier delayed damaged replacement return label customer support ticket priority urgent follow up " +
  "thanks regards please could would appreciate help question issue problem since yesterday morning " +
  "again still cannot see the when after before with without our your their this that which there"
).split(" ");

const FIRST = ["Alice", "Bob", "Chen", "Daniela", "Emeka", "Fatima", "Goro", "Hana", "Ivan", "Julia", "Kenji", "Lena"];
const LAST = ["Anders", "Brown", "Costa", "Dubois", "Eto", "Fischer", "Garcia", "Hayashi", "Ito", "Jensen", "Kim"];
const DOMAINS = ["example.net", "example.org", "customer.test", "mail.example.info", "shop.test", "corp.test"];

export interface BenchMessage {
  from: string;
  /** Dot-stuffed, CRLF line ends, without the terminating ".". */
  data: Buffer;
}

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

function sentence(seed: number): string {
  const length = 8 + (seed % 9);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(WORDS, seed * 31 + i * 17 + ((seed >> 3) ^ i)));
  const s = words.join(" ");
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

/** Wraps text at 72 columns (RFC 5322 §2.1.1 recommends under 78). */
function wrap(text: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > 72) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/**
 * Message `index` of a run tagged `runId`, `size` bytes as sent (headers and
 * body, CRLF line ends, before dot-stuffing), to `to`.
 */
export function benchMessage(runId: string, index: number, size: number, to: string): BenchMessage {
  const first = pick(FIRST, index);
  const last = pick(LAST, Math.floor(index / FIRST.length));
  // Many distinct customers, as a real support inbox has; some write more than once.
  const from = `${first.toLowerCase()}.${last.toLowerCase()}${index % 997}@${pick(DOMAINS, index * 7)}`;
  const date = new Date(Date.UTC(2026, 10, 1) + index * 61_000).toUTCString().replace("GMT", "+0000");
  const subject = `[${runId}] Question about ${pick(WORDS, index * 13)} ${pick(WORDS, index * 5 + 3)} #${index}`;
  const headers = [
    `From: ${first} ${last} <${from}>`,
    `To: Support <${to}>`,
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: <${runId}.${index}.${randomBytes(6).toString("hex")}@${from.split("@")[1]}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8; format=flowed",
    "Content-Transfer-Encoding: 7bit",
    "User-Agent: bench-smtp-load/1.0",
  ];
  const lines = [...headers, "", `Hello Support team,`, ""];
  let seed = index * 7919 + 1;
  const signature = ["", "Best regards,", `${first} ${last}`, `Customer reference ${runId}-${index}`];
  const bytes = (ls: string[]) => ls.reduce((n, l) => n + Buffer.byteLength(l) + 2, 0);
  const fixed = bytes(signature);
  // Paragraphs of sentences until the body nearly fills the size, then pad the last line.
  let full = false;
  while (!full) {
    const paragraph: string[] = [];
    for (let i = 0; i < 3 + (seed % 4); i++) paragraph.push(sentence(seed++));
    for (const l of wrap(paragraph.join(" "))) {
      if (bytes(lines) + Buffer.byteLength(l) + 2 + fixed >= size - 80) {
        full = true;
        break;
      }
      lines.push(l);
    }
    lines.push("");
  }
  const missing = size - bytes(lines) - fixed - 2;
  if (missing > 5) {
    const filler = `${sentence(seed)} `
      .repeat(20)
      .slice(0, missing - 5)
      .trimEnd();
    lines.push(`P.S. ${filler}`.padEnd(missing, "."));
  }
  lines.push(...signature);
  const text = `${lines.join("\r\n")}\r\n`;
  return { from, data: dotStuff(text) };
}
