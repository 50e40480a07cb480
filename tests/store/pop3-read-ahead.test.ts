// POP3's read-ahead (mail-daemons/pop3/read-ahead.ts) against real blobs:
// whatever order a client asks in (in order, the same message twice as TOP
// then RETR do, backwards, jumping), each message comes back exactly, and a
// missing blob fails only the message that is missing.
import { beforeAll, describe, expect, it } from "vitest";
import { ReadAhead, type ReadAheadSource } from "../../mail-daemons/pop3/read-ahead.ts";
import { db } from "../../server/db.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox } from "../support/factories.ts";

const COUNT = 80;
let keys: string[] = [];
let bytes: Buffer[] = [];

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain("example.com");
  const mailbox = await makeSharedMailbox("drop@example.com", []);
  for (let i = 0; i < COUNT; i++)
    await deliver(mailbox, { subject: `Message ${i}`, text: `Body ${i}\r\n`.repeat(i + 1) });
  const messages = await db().message.findMany({
    where: { mailboxId: mailbox },
    orderBy: { id: "asc" },
    include: { blob: true },
  });
  keys = messages.map((m) => m.blobSha256);
  bytes = messages.map((m) => Buffer.from(m.blob.bytes));
}, 180_000);

function source(overrides: Partial<ReadAheadSource> = {}): ReadAheadSource {
  return { count: keys.length, size: (i) => bytes[i]?.length ?? 0, key: (i) => keys[i] as string, ...overrides };
}

async function read(reader: ReadAhead, index: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of reader.retrieve(index)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("POP3 read-ahead", () => {
  it("returns every message exactly when read in order, and again in any other order", async () => {
    const reader = new ReadAhead(source());
    for (let i = 0; i < COUNT; i++) expect((await read(reader, i)).equals(bytes[i] as Buffer)).toBe(true);
    const order = [5, 5, 4, 70, 71, 72, 10, 79, 0, 1, 2, 2, 3];
    for (const i of order) expect((await read(reader, i)).equals(bytes[i] as Buffer)).toBe(true);
    reader.clear();
  });

  it("fails only the message whose blob is missing, before its first byte", async () => {
    const reader = new ReadAhead(source({ key: (i) => (i === 3 ? "0".repeat(64) : (keys[i] as string)) }));
    for (const i of [0, 1, 2]) expect((await read(reader, i)).equals(bytes[i] as Buffer)).toBe(true);
    await expect(read(reader, 3)).rejects.toThrow(/not stored/);
    expect((await read(reader, 4)).equals(bytes[4] as Buffer)).toBe(true);
    reader.clear();
  });
});
