// Transcript tests read like the RFC's examples (STYLE.md #10):
//
//   C: STAT
//   S: +OK 2 320
//   S~ ^\+OK \d+ octets$
//
// "C:" lines are sent (consecutive ones in one write: that is pipelining),
// "S:" lines must arrive exactly, "S~" lines must match the regular
// expression. Lines are compared without their CRLF, which readLine checks.
import { expect } from "vitest";
import type { Pop3Client } from "./pop3-client.ts";

export async function expectTranscript(client: Pop3Client, script: string): Promise<void> {
  const steps = script
    .split("\n")
    // Only the indentation goes: "S: + " (RFC 5034's empty challenge) ends in a space.
    .map((line) => line.trimStart())
    .filter((line) => line !== "");
  let pending: string[] = [];
  for (const step of steps) {
    const kind = step.slice(0, 2);
    const text = step.slice(3);
    if (kind === "C:") {
      pending.push(`${text}\r\n`);
      continue;
    }
    if (pending.length > 0) {
      client.write(pending.join(""));
      pending = [];
    }
    const line = await client.readLine();
    if (kind === "S:") expect(line, `after ${JSON.stringify(step)}`).toBe(text);
    else if (kind === "S~") expect(line).toMatch(new RegExp(text));
    else throw new Error(`transcript: bad step ${JSON.stringify(step)}`);
  }
  if (pending.length > 0) client.write(pending.join(""));
}

export function plainResponse(user: string, password: string, authzid = ""): string {
  return Buffer.from(`${authzid}\0${user}\0${password}`).toString("base64");
}
