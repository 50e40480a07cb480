import { describe, expect, it } from "vitest";
import { isStorageFull } from "../../server/mail-store/storage-full.ts";

describe("isStorageFull", () => {
  it("knows PostgreSQL's disk_full and Node's ENOSPC, also wrapped", () => {
    expect(isStorageFull(Object.assign(new Error("x"), { code: "53100" }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error("write failed"), { code: "ENOSPC" }))).toBe(true);
    const driver = { kind: "postgres", originalCode: "53100", message: "disk full" };
    expect(isStorageFull(Object.assign(new Error("query failed"), { cause: driver }))).toBe(true);
    expect(isStorageFull({ code: "P2010", meta: { driverAdapterError: { cause: driver } } })).toBe(true);
    expect(isStorageFull(new Error('could not extend file "base/1/2": No space left on device'))).toBe(true);
  });

  it("does not take other failures for a full disk", () => {
    expect(isStorageFull(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isStorageFull(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(false);
    expect(isStorageFull(new Error("connect ECONNREFUSED 127.0.0.1:5432"))).toBe(false);
    expect(isStorageFull(null)).toBe(false);
    expect(isStorageFull("disk full")).toBe(false);
    // A cycle in the chain ends.
    const a: Record<string, unknown> = { message: "a" };
    a.cause = a;
    expect(isStorageFull(a)).toBe(false);
  });
});
