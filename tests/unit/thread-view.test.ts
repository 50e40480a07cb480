import { describe, expect, it } from "vitest";
import { planThread, type ThreadItem } from "../../app/(app)/conversations/[id]/thread-view.ts";

const base = Date.UTC(2026, 0, 5, 9, 0, 0);
function item(id: number, minutes: number, extra: Partial<ThreadItem> = {}): ThreadItem {
  const at = new Date(base + minutes * 60_000);
  return { id, internalDate: at, date: at, unread: false, ...extra };
}

describe("planThread", () => {
  it("shows a short thread whole", () => {
    expect(planThread([item(1, 0), item(2, 5), item(3, 9)]).open).toEqual([1, 2, 3]);
  });

  it("collapses a long read thread to its latest message", () => {
    const items = Array.from({ length: 15 }, (_, i) => item(i + 1, i * 10));
    expect(planThread(items).open).toEqual([15]);
  });

  it("opens the newest unread messages too, at most three of them", () => {
    const items = Array.from({ length: 10 }, (_, i) => item(i + 1, i * 10, { unread: i >= 4 }));
    expect(planThread(items).open).toEqual([8, 9, 10]);
    const one = Array.from({ length: 10 }, (_, i) => item(i + 1, i * 10, { unread: i === 2 }));
    expect(planThread(one).open).toEqual([3, 10]);
  });

  it("marks a Date header that would run the thread backwards, and only that one", () => {
    const items = [
      item(1, 0),
      // Written before message 1 arrived (a slow relay, a wrong clock), arrived after it.
      item(2, 30, { date: new Date(base - 60 * 60_000) }),
      item(3, 60, { date: new Date(base + 59 * 60_000) }),
      // Claims to be from the future, past the next arrival.
      item(4, 70, { date: new Date(base + 500 * 60_000) }),
      item(5, 80, { date: null }),
    ];
    const { sentAt } = planThread(items);
    expect([...sentAt.keys()]).toEqual([2, 4]);
    expect(sentAt.get(2)?.toISOString()).toBe(new Date(base - 60 * 60_000).toISOString());
  });

  it("marks a Date header more than an hour from the arrival, even in order, and not a few minutes' skew", () => {
    const sentAt = planThread([
      item(1, 0, { date: new Date(base - 2 * 3_600_000) }),
      item(2, 30, { date: new Date(base + 20 * 60_000) }),
    ]).sentAt;
    expect([...sentAt.keys()]).toEqual([1]);
  });
});
