// CPU time the store spends in Node on a message before its SQL: parsing
// (server/mime/parse-message.ts) and the search tokens (server/search/tokens.ts).
// In-process and measured in CPU time (process.cpuUsage), so it still means
// something on a shared machine where bench:smtp's throughput does not; it
// reports the median and the best of several rounds.
//
// Usage: npx tsx bench/parse-cost.ts [--rounds 7] [--messages 1000]
//
// Corpora: "plain" is what bench:smtp sends (10 KiB single-part text);
// "alternative" is what most mail clients send (text and HTML alternatives
// with a small attachment); "fixtures" is tests/fixtures/mail (Japanese
// charsets, broken MIME, RFC 2231 names).
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseMessage } from "../server/mime/parse-message.ts";
import { messageSearchTokens } from "../server/search/tokens.ts";
import { benchMessage } from "./mail-corpus.ts";

const { values } = parseArgs({ options: { rounds: { type: "string" }, messages: { type: "string" } } });
const rounds = Number(values.rounds ?? 7);
const perRound = Number(values.messages ?? 1000);

function alternative(index: number): Buffer {
  const plain = benchMessage("parse", index, 6144, "support@example.com").data.toString("latin1");
  const [head = "", body = ""] = plain.split("\r\n\r\n", 2);
  const html = `<html><body><p>${body.replace(/\r\n\r\n/g, "</p><p>").replace(/\r\n/g, " ")}</p></body></html>`;
  const headers = head
    .split("\r\n")
    .filter((line) => !/^content-(type|transfer-encoding):/i.test(line))
    .join("\r\n");
  return Buffer.from(
    [
      headers,
      'Content-Type: multipart/mixed; boundary="mixed"',
      "",
      "--mixed",
      'Content-Type: multipart/alternative; boundary="alt"',
      "",
      "--alt",
      "Content-Type: text/plain; charset=utf-8",
      "",
      body,
      "--alt",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      html.replace(/=/g, "=3D").replace(/(.{72})/g, "$1=\r\n"),
      "--alt--",
      "--mixed",
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.alloc(2048, index % 251)
        .toString("base64")
        .replace(/(.{76})/g, "$1\r\n"),
      "--mixed--",
      "",
    ].join("\r\n"),
    "latin1",
  );
}

const fixtureDir = new URL("../tests/fixtures/mail/", import.meta.url);
const corpora: Record<string, Buffer[]> = {
  plain: Array.from({ length: 200 }, (_, i) => benchMessage("parse", i, 10240, "support@example.com").data),
  alternative: Array.from({ length: 200 }, (_, i) => alternative(i)),
  // The fixtures made to hit limits measure the refusal, not parsing.
  fixtures: readdirSync(fixtureDir)
    .filter((name) => name.endsWith(".eml") && !/huge|deep|too-many/.test(name))
    .map((name) => readFileSync(new URL(name, fixtureDir))),
};

async function cost(messages: Buffer[], count: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++)
    messageSearchTokens(await parseMessage(messages[i % messages.length] as Buffer)).toSqlList();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / count;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, messages] of Object.entries(corpora)) {
  await cost(messages, Math.min(perRound, 300));
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) samples.push(await cost(messages, perRound));
  console.log(
    `${name.padEnd(12)} CPU per message: median ${median(samples).toFixed(3)} ms, best ${Math.min(...samples).toFixed(3)} ms` +
      ` (${rounds} rounds of ${perRound})`,
  );
}
