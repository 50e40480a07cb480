// Transcripts as the RFCs write them:
//   C: a1 UID STORE 1:* +FLAGS (\Deleted)
//   S: * 1 FETCH (UID 1 FLAGS (\Deleted))
//   S: a1 OK STORE completed
// Each C: line is sent and its responses (up to the tagged line) must equal
// the S: lines that follow, in order (a literal's content split at its
// CRLFs, "S:" alone for an empty line). In S: lines "%d" matches a number and
// "%s" any text, for values such as UIDVALIDITY that differ between runs.
import { expect } from "vitest";
import type { TranscriptClient } from "./transcript-client.ts";

export async function transcript(client: TranscriptClient, script: string): Promise<void> {
  const steps = parse(script);
  for (const step of steps) {
    const received =
      step.send === null ? await readUntilCount(client, step.expect.length) : await client.command(step.send);
    // A literal's lines are compared one by one, as the RFC examples print them.
    const actual = received.flatMap((line) => line.split("\r\n"));
    const matches =
      actual.length === step.expect.length && actual.every((line, i) => toRegExp(step.expect[i] as string).test(line));
    if (!matches) {
      expect(actual, `after C: ${step.send ?? "(no command)"}`).toEqual(step.expect);
    }
  }
}

interface Step {
  send: string | null;
  expect: string[];
}

function parse(script: string): Step[] {
  const steps: Step[] = [];
  for (const raw of script.split("\n")) {
    const line = raw.replace(/^\s+/, "");
    if (!line) continue;
    if (line.startsWith("C: ")) steps.push({ send: line.slice(3), expect: [] });
    else if (line.startsWith("S: ") || line === "S:") {
      if (steps.length === 0) steps.push({ send: null, expect: [] });
      (steps.at(-1) as Step).expect.push(line.slice(3));
    } else throw new Error(`transcript line must start with C: or S: — ${line}`);
  }
  return steps;
}

async function readUntilCount(client: TranscriptClient, count: number): Promise<string[]> {
  const lines: string[] = [];
  while (lines.length < count) {
    const line = await client.readLine();
    if (line === null) break;
    lines.push(line);
  }
  return lines;
}

function toRegExp(expected: string): RegExp {
  const escaped = expected
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/%d/g, "\\d+")
    .replace(/%s/g, ".*");
  return new RegExp(`^${escaped}$`, "s");
}
