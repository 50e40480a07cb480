// README "Limits" must say what server/limits.ts enforces: every row names
// its constants, and the value written in the row is the constant's value.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as limits from "../../server/limits.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const start = readme.indexOf("\n## Limits\n");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
const rows = section
  .split("\n")
  .filter((line) => line.startsWith("| ") && !line.startsWith("| limit") && !line.startsWith("| ---"))
  .map((line) => line.split(" | "));

const UNITS: Record<string, number> = { MiB: 1024 * 1024, KiB: 1024, bytes: 1, min: 60_000, s: 1000, ms: 1 };

/** "50 MiB" → 52428800, "5 min" → 300000 (the constant's unit is in its name: _BYTES or _MS). */
function quantity(text: string, name: string): number {
  const m = /^([\d,]+(?:\.\d+)?)(?:\s*(MiB|KiB|bytes|min|s|ms)\b)?/.exec(text.trim());
  if (!m) throw new Error(`no value in "${text}" for ${name}`);
  const n = Number((m[1] as string).replace(/,/g, ""));
  const unit = m[2];
  if (!unit) return n;
  return n * (UNITS[unit] as number);
}

describe("README Limits", () => {
  it("has rows", () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  it.each(rows.map((cells) => [cells[0]?.replace(/^\| /, "") ?? "", cells[1] ?? ""]))("%s: %s", (label, value) => {
    const names = [...label.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`/g)].map((m) => m[1] as string);
    expect(names.length, label).toBeGreaterThan(0);
    const values = value.split(" / ");
    for (const [i, name] of names.entries()) {
      const actual = (limits as Record<string, unknown>)[name];
      expect(actual, `${name} is not exported by server/limits.ts`).toBeDefined();
      const written = (values[i] ?? values[0]) as string;
      if (typeof actual === "object") {
        const m = /(\d+) in (\d+) min, then locked (\d+) min/.exec(written);
        expect(m, written).not.toBeNull();
        expect(actual).toEqual({
          maxAttempts: Number(m?.[1]),
          windowSeconds: Number(m?.[2]) * 60,
          lockSeconds: Number(m?.[3]) * 60,
        });
      } else {
        expect(quantity(written, name), name).toBe(actual);
      }
    }
  });
});
