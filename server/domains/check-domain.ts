// The domain check: resolve every record Yubin asks the operator to publish
// and say, per record, whether it is there and right, or what differs. When
// the check finds a waiting DKIM key published, that key starts signing
// (dkim-rotation.ts): the Check button and `yubin domain check` both do it,
// so a rotation finishes the first time anyone looks after publishing.
import { db } from "../db.ts";
import { afterKeySwitch, switchToNextKey } from "./dkim-rotation.ts";
import type { Lookup, LookupFn, LookupType } from "./dns-lookup.ts";
import { loadDomainKeys } from "./domain-keys.ts";
import { evaluateRecord, type RecordCheck } from "./evaluate-record.ts";
import { expectedRecords } from "./expected-records.ts";

export interface DomainCheck {
  domain: string;
  checkedAt: string;
  /** Every required record is published and right. */
  ok: boolean;
  records: RecordCheck[];
  /** Set when this check made a newly published DKIM key the signing one. */
  switched: { from: string | null; to: string } | null;
}

export async function checkDomain(input: {
  domain: string;
  mailHostname: string;
  lookup: LookupFn;
  actorId: number | null;
  now?: Date;
}): Promise<DomainCheck> {
  const now = input.now ?? new Date();
  let keys = await loadDomainKeys(input.domain);
  const expected = expectedRecords(keys, input.mailHostname);
  // Each name and type is asked once, all at once: a check costs one timeout at most, not one per record.
  const answers = new Map<string, Promise<Lookup>>();
  const ask = (name: string, type: LookupType) => {
    const key = `${type} ${name}`;
    if (!answers.has(key)) answers.set(key, input.lookup(name, type));
    return answers.get(key) as Promise<Lookup>;
  };
  const evaluate = (records: typeof expected) =>
    Promise.all(records.map(async (r) => evaluateRecord(r, await ask(r.name, r.type), input.mailHostname)));
  let records = await evaluate(expected);

  let switched: DomainCheck["switched"] = null;
  const next = records.find((r) => r.role === "dkim-next" && r.state === "matches");
  if (next?.selector) {
    switched = await db().$transaction((tx) =>
      switchToNextKey(tx, { domainId: keys.id, selector: next.selector as string, actorId: input.actorId, now }),
    );
    if (switched) {
      afterKeySwitch();
      keys = await loadDomainKeys(keys.name);
      // Same names as before (the keys changed roles), so no new lookups.
      records = await evaluate(expectedRecords(keys, input.mailHostname));
    }
  }
  return {
    domain: keys.name,
    checkedAt: now.toISOString(),
    ok: records.every((r) => r.role !== "required" || r.state === "matches"),
    records,
    switched,
  };
}
