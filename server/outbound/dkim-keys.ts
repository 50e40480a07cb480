// The DKIM signing key of each of our domains, for submission. Looked up and
// parsed (PEM → KeyObject) once per domain and kept for a short while, so a
// message costs neither a query nor a key parse; a key added or rotated by
// `yubin domain add` in another process is picked up within DKIM_KEY_TTL_MS.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { sql } from "../db/raw-sql.ts";

export interface DkimKey {
  domain: string;
  selector: string;
  privateKey: KeyObject;
}

export const DKIM_KEY_TTL_MS = 60_000;

const cache = new Map<string, { until: number; key: Promise<DkimKey | null> }>();

/** The signing key of `domain` (lower-case), or null when it is not ours or has none. */
export function dkimKeyFor(domain: string, now = Date.now()): Promise<DkimKey | null> {
  const hit = cache.get(domain);
  if (hit && hit.until > now) return hit.key;
  const key = load(domain);
  cache.set(domain, { until: now + DKIM_KEY_TTL_MS, key });
  // A failed lookup is not remembered: the next message asks again.
  key.catch(() => {
    if (cache.get(domain)?.key === key) cache.delete(domain);
  });
  if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
  return key;
}

/** Drops every cached key (tests that change keys; a rotation otherwise waits for the TTL). */
export function forgetDkimKeys(): void {
  cache.clear();
}

async function load(domain: string): Promise<DkimKey | null> {
  const [row] = await sql.$queryRaw<{ name: string; dkimSelector: string | null; dkimPrivateKey: string | null }[]>`
    select name, "dkimSelector", "dkimPrivateKey" from "Domain" where name = ${domain}`;
  if (!row?.dkimSelector || !row.dkimPrivateKey) return null;
  return { domain: row.name, selector: row.dkimSelector, privateKey: createPrivateKey(row.dkimPrivateKey) };
}
