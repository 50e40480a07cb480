// The in-memory backend behaves as backend.ts says the real one must, so
// that transcripts against it mean something.
import { describe, expect, it } from "vitest";
import type { Maildrop } from "../../../mail-daemons/pop3/backend.ts";
import { MemoryBackend } from "../../../mail-daemons/pop3/memory-backend.ts";
import { BARE_LF, BARE_LF_AS_SENT } from "./support/messages.ts";

async function open(backend: MemoryBackend, login: string): Promise<Maildrop> {
  const verdict = await backend.login({ username: login, password: "pw", remoteAddress: "192.0.2.1" });
  if (!verdict.ok) throw new Error(verdict.reason);
  const opened = await backend.openMaildrop(verdict.principal);
  if (!opened.ok) throw new Error(opened.reason);
  return opened.maildrop;
}

function setUp(onDelete: "keep" | "delete"): MemoryBackend {
  const backend = new MemoryBackend();
  backend.addMailbox("box@example.com", { onDelete, uidValidity: 42 });
  backend.addLogin("box@example.com", "pw", "box@example.com");
  backend.addLogin("other@example.com", "pw", "box@example.com");
  return backend;
}

describe("POP3 memory backend", () => {
  it("derives UIDLs from UIDVALIDITY and UID, within RFC 1939 §7's alphabet and length", async () => {
    const backend = setUp("delete");
    expect(backend.deliver("box@example.com", Buffer.from("a\r\n"))).toBe("42.1");
    expect(backend.deliver("box@example.com", Buffer.from("b\r\n"))).toBe("42.2");
    const drop = await open(backend, "box@example.com");
    for (const message of drop.messages) expect(message.uidl).toMatch(/^[\x21-\x7e]{1,70}$/);
  });

  it("reports the size of the CRLF form", async () => {
    const backend = setUp("delete");
    backend.deliver("box@example.com", BARE_LF);
    expect((await open(backend, "box@example.com")).messages[0]?.size).toBe(BARE_LF_AS_SENT.length);
  });

  it("locks per maildrop and login", async () => {
    const backend = setUp("keep");
    const first = await open(backend, "box@example.com");
    const verdict = await backend.login({ username: "box@example.com", password: "pw", remoteAddress: "192.0.2.1" });
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(await backend.openMaildrop(verdict.principal)).toEqual({ ok: false, reason: "in-use" });
    // Another login on the same mailbox has its own view and its own lock.
    await open(backend, "other@example.com");
    await first.release();
    await open(backend, "box@example.com");
  });

  it("keep: hides committed messages from that login only; delete: removes them for everyone", async () => {
    for (const policy of ["keep", "delete"] as const) {
      const backend = setUp(policy);
      const uidl = backend.deliver("box@example.com", Buffer.from("a\r\n"));
      backend.deliver("box@example.com", Buffer.from("b\r\n"));
      const drop = await open(backend, "box@example.com");
      await drop.commitDeletions([uidl]);
      await drop.release();
      expect((await open(backend, "box@example.com")).messages).toHaveLength(1);
      expect((await open(backend, "other@example.com")).messages).toHaveLength(policy === "keep" ? 2 : 1);
      expect(backend.stored("box@example.com")).toHaveLength(policy === "keep" ? 2 : 1);
    }
  });

  it("throttles an account and address after repeated failures, even with the right password", async () => {
    const backend = new MemoryBackend({ maxFailedLogins: 2 });
    backend.addMailbox("box@example.com", { onDelete: "delete" });
    backend.addLogin("box@example.com", "pw", "box@example.com");
    const attempt = (password: string, remoteAddress = "192.0.2.1") =>
      backend.login({ username: "box@example.com", password, remoteAddress });
    expect(await attempt("x")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("y")).toEqual({ ok: false, reason: "invalid" });
    expect(await attempt("pw")).toEqual({ ok: false, reason: "throttled" });
    expect((await attempt("pw", "192.0.2.2")).ok).toBe(true);
  });
});
