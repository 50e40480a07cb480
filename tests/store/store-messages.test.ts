// The write path's batch form (server/mail-store/store-messages.ts, write-messages.ts)
// against the one-by-one form it stands for: the same messages stored each way into
// two fresh mailboxes must leave the same rows — messages with their search tokens,
// conversations and why each message joined one, UIDs and modseqs, usage counters,
// live events and the NOTIFYs for browsers and IMAP IDLE — and the same outcomes,
// a full mailbox included. The batch holds what a batch can trip on: a reply to a
// message earlier in the same batch, a reply by subject from the same sender, the
// same message twice (a trace field apart), a message without a Message-ID.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { sql, sqlTransaction } from "../../server/db/raw-sql.ts";
import { addDomain } from "../../server/domains/add-domain.ts";
import { readMailboxStates } from "../../server/mail-store/mailbox-state.ts";
import { storeMessageTx } from "../../server/mail-store/store-message.ts";
import { storeMessagesTx } from "../../server/mail-store/store-messages.ts";
import { createMailbox } from "../../server/mailboxes/create-mailbox.ts";
import { parseMessage } from "../../server/mime/parse-message.ts";
import { MAIL_CHANNEL } from "../../server/realtime/channels.ts";
import { LIVE_CHANNEL } from "../../server/realtime/live-events.ts";
import { useTestDatabase } from "../support/database.ts";
import { waitFor } from "../support/wait.ts";

let url = "";

function mail(o: { id?: string | null; from: string; subject: string; body: string; headers?: string[] }): Buffer {
  return Buffer.from(
    [
      ...(o.headers ?? []),
      `From: ${o.from}`,
      "To: support@example.com",
      `Subject: ${o.subject}`,
      ...(o.id === null ? [] : [`Message-ID: <${o.id}>`]),
      "Date: Sat, 28 Nov 2026 09:00:00 +0900",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      o.body,
      "",
    ].join("\r\n"),
  );
}

function corpus(tag: string): Buffer[] {
  const first = mail({
    id: `first.${tag}@customer.jp`,
    from: "Kana <kana@customer.jp>",
    subject: "Invoice",
    body: "Where is my invoice?",
  });
  return [
    first,
    mail({
      id: `second.${tag}@shop.test`,
      from: "Bob <bob@shop.test>",
      subject: "Refund",
      body: "Please refund order 12.",
    }),
    // A reply to the first, by In-Reply-To: it must join that conversation although both arrive in one batch.
    mail({
      id: `reply.${tag}@customer.jp`,
      from: "Kana <kana@customer.jp>",
      subject: "Re: Invoice",
      body: "Any news?",
      headers: [`In-Reply-To: <first.${tag}@customer.jp>`, `References: <first.${tag}@customer.jp>`],
    }),
    // A reply by subject only, from the same sender as the second.
    mail({
      id: `resubject.${tag}@shop.test`,
      from: "Bob <bob@shop.test>",
      subject: "Re: Refund",
      body: "Still waiting.",
    }),
    // The first again, relayed once more: the same message (a trace field apart), a duplicate.
    Buffer.concat([
      Buffer.from("Received: from relay.example by mx.example; Sat, 28 Nov 2026 09:01:00 +0900\r\n"),
      first,
    ]),
    mail({ id: null, from: "Alert <alert@monitor.test>", subject: "Disk full", body: "Disk 1 is full." }),
    mail({
      id: `ja.${tag}@customer.jp`,
      from: "佐藤 <sato@customer.jp>",
      subject: "請求書の再発行",
      body: "請求書を再発行してください。",
    }),
    mail({ id: `last.${tag}@corp.test`, from: "Eve <eve@corp.test>", subject: "Question", body: "How do I export?" }),
  ];
}

const internalDate = (i: number) => new Date(Date.UTC(2026, 10, 28, 0, i));

async function oneByOne(mailboxId: number, raws: Buffer[]) {
  const outcomes: string[] = [];
  for (const [i, raw] of raws.entries()) {
    const parsed = await parseMessage(raw);
    const [o] = await sqlTransaction((tx) =>
      storeMessageTx(tx, { raw, mailboxIds: [mailboxId], direction: "inbound", internalDate: internalDate(i) }, parsed),
    );
    outcomes.push(o?.outcome ?? "none");
  }
  return outcomes;
}

async function asBatch(mailboxId: number, raws: Buffer[]) {
  const parsed = await Promise.all(raws.map((raw) => parseMessage(raw)));
  const outcomes = await sqlTransaction(async (tx) => {
    const states = await readMailboxStates(
      tx,
      mailboxId,
      raws.map((raw, i) => ({
        raw,
        message: parsed[i] as Awaited<ReturnType<typeof parseMessage>>,
        direction: "inbound" as const,
      })),
    );
    return storeMessagesTx(
      tx,
      mailboxId,
      raws.map((raw, i) => ({
        input: { raw, direction: "inbound" as const, internalDate: internalDate(i) },
        message: parsed[i] as Awaited<ReturnType<typeof parseMessage>>,
        state: states[i] ?? null,
      })),
    );
  });
  return outcomes.map((o) => o.outcome);
}

/** Everything the store wrote for a mailbox, with its own ids replaced by their order of appearance. */
async function snapshot(mailboxId: number) {
  const messages = await sql.$queryRaw<Record<string, unknown>[]>`
    select fm.uid, fm.modseq, fm.flags, f.name as folder, m."conversationId", m."blobSha256", m.direction::text,
      m."messageIdHeader", m."inReplyTo", m."references", m.subject, m."fromAddress", m."fromName", m."toAddresses",
      m."ccAddresses", m.date, m.size, m."bodyHash", m."contentHash", m.snippet, m."textBody", m."htmlBody",
      m."hasAttachments", m.attachments, m."parseError", m.malformed, m."authResults", m."threadReason"::text,
      m."internalDate", m."searchVector"::text as "searchVector"
    from "Message" m join "FolderMessage" fm on fm."messageId" = m.id join "Folder" f on f.id = fm."folderId"
    where m."mailboxId" = ${mailboxId}::int order by fm.uid`;
  const conversations = await sql.$queryRaw<Record<string, unknown>[]>`
    select id, subject, "normalizedSubject", "contactId", "messageCount", "lastMessageAt", "firstItemAt", "waitingSince",
      status::text, "assigneeId", "snoozedUntil"
    from "Conversation" where "mailboxId" = ${mailboxId}::int order by id`;
  const order = new Map<unknown, number>();
  for (const m of messages) if (!order.has(m.conversationId)) order.set(m.conversationId, order.size);
  const [usage] = await sql.$queryRaw<Record<string, unknown>[]>`
    select m."usedBytes", m."usedMessages", f."uidNext", f."highestModseq"
    from "Mailbox" m join "Folder" f on f."mailboxId" = m.id and f.name = 'INBOX' where m.id = ${mailboxId}::int`;
  const live = await sql.$queryRaw<{ conversationId: number; kind: string; payload: { direction: string } }[]>`
    select "conversationId", kind, payload from "LiveEvent" where "mailboxId" = ${mailboxId}::int order by id`;
  return {
    messages: messages.map((m) => ({ ...m, conversationId: order.get(m.conversationId) })),
    conversations: conversations
      .map(({ id, ...c }) => ({ ...c, order: order.get(id) }))
      .sort((a, b) => (a.order ?? -1) - (b.order ?? -1)),
    usage,
    live: live.map((l) => ({
      kind: l.kind,
      direction: l.payload.direction,
      conversationId: order.get(l.conversationId),
    })),
  };
}

beforeAll(async () => {
  url = await useTestDatabase();
  await addDomain({ name: "example.com", actorId: null });
});

describe("storeMessagesTx, the write path's batch form", () => {
  it("leaves exactly what storing the messages one by one leaves, NOTIFYs included", async () => {
    const single = (await createMailbox({ address: "single@example.com", kind: "shared", actorId: null })).id;
    const batch = (await createMailbox({ address: "batch@example.com", kind: "shared", actorId: null })).id;
    const heard = new Map<string, { mailboxId: number; uid?: number }[]>([
      [LIVE_CHANNEL, []],
      [MAIL_CHANNEL, []],
    ]);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on("notification", (n) => heard.get(n.channel)?.push(JSON.parse(n.payload ?? "{}")));
    await listener.query(`listen ${LIVE_CHANNEL}; listen ${MAIL_CHANNEL}`);
    try {
      const one = await oneByOne(single, corpus("x"));
      const many = await asBatch(batch, corpus("x"));
      expect(one).toEqual(["stored", "stored", "stored", "stored", "duplicate", "stored", "stored", "stored"]);
      expect(many).toEqual(one);
      const [a, b] = [await snapshot(single), await snapshot(batch)];
      expect(a.messages).toHaveLength(7);
      // The reply joined the first's conversation, the subject reply the second's, both as one by one.
      expect(a.messages.map((m) => (m as { threadReason?: string }).threadReason)).toEqual([
        "new",
        "new",
        "references",
        "subject_sender",
        "new",
        "new",
        "new",
      ]);
      expect(b).toEqual(a);
      await waitFor("every NOTIFY", async () => (heard.get(MAIL_CHANNEL)?.length ?? 0) >= 14);
      for (const channel of [LIVE_CHANNEL, MAIL_CHANNEL]) {
        const of = (id: number) => (heard.get(channel) ?? []).filter((n) => n.mailboxId === id);
        expect(of(batch)).toHaveLength(7);
        expect(of(batch).map((n) => n.uid)).toEqual(of(single).map((n) => n.uid));
      }
    } finally {
      await listener.end();
    }
  });

  it("stops at the same message as one by one when the quota runs out within the batch", async () => {
    const ids: number[] = [];
    for (const address of ["full-single@example.com", "full-batch@example.com"]) {
      const id = (await createMailbox({ address, kind: "shared", actorId: null })).id;
      await sql.$queryRaw`update "Mailbox" set "quotaMessages" = 3 where id = ${id}::int`;
      ids.push(id);
    }
    const [single, batch] = ids as [number, number];
    const raws = corpus("q").filter((_, i) => i !== 2 && i !== 3 && i !== 4);
    const one = await oneByOne(single, raws);
    const many = await asBatch(batch, raws);
    expect(one).toEqual(["stored", "stored", "stored", "over_quota", "over_quota"]);
    expect(many).toEqual(one);
    expect(await snapshot(batch)).toEqual(await snapshot(single));
  });
});
