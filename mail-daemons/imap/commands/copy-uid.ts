// COPYUID (RFC 4315 §3): "uidvalidity source-set destination-set", the two
// sets in corresponding order.
import { formatSequenceSet } from "../parser/sequence-set.ts";

export function copyUid(uidValidity: number, mapping: ReadonlyArray<[number, number]>): string {
  const sorted = [...mapping].sort((a, b) => a[0] - b[0]);
  const sources = sorted.map(([source]) => source);
  const targets = sorted.map(([, target]) => target);
  // Compressed ranges keep the correspondence only when both sides ascend together.
  const ascending = targets.every((uid, index) => index === 0 || uid > (targets[index - 1] as number));
  const format = (list: number[]) => (ascending ? formatSequenceSet(list) : list.join(","));
  return `COPYUID ${uidValidity} ${format(sources)} ${format(targets)}`;
}
