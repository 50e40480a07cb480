// PostgreSQL text cannot hold U+0000. A NUL typed or pasted into any text
// the web app stores is bad input, answered BAD_REQUEST (HTTP 400) by the
// shared schema in server/safe-text.ts, never a failed query (500) —
// issue 10 item 5.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";
import { sessionCaller, trpcError } from "../support/trpc-caller.ts";

const SECRET = "nul-text-test-secret-0123456789abcdef";
const NUL = "\u0000";
const callerFor = sessionCaller(SECRET);

let agent = 0;
let mailboxId = 0;
let conversationId = 0;
let messageId = 0;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = SECRET;
  await useTestDatabase();
  await makeDomain();
  agent = await makeUser("agent@example.com");
  mailboxId = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  ({ conversationId, storedMessageId: messageId } = await deliver(mailboxId));
});

describe("a NUL character in web input", () => {
  it("is refused with BAD_REQUEST in a note, a tag, a signature, a reply's subject and a search", async () => {
    const caller = await callerFor(agent);
    const calls = {
      note: () => caller.notes.add({ conversationId, body: `before${NUL}after` }),
      tag: () => caller.tags.add({ conversationId, name: `vip${NUL}` }),
      signature: () => caller.signatures.setMine({ signature: `Regards${NUL}` }),
      subject: () =>
        caller.conversations.send({
          messageId,
          mode: "reply",
          to: "customer@customer.example",
          subject: `Re: help${NUL}`,
          text: "Hello",
        }),
      search: () => caller.search.conversations({ q: `invoice${NUL}` }),
    };
    for (const [what, call] of Object.entries(calls)) {
      const error = await trpcError(call());
      expect({ what, code: error.code, message: error.message }).toMatchObject({
        what,
        code: "BAD_REQUEST",
        message: expect.stringContaining("NUL"),
      });
    }
  });

  it("still stores the same text without the NUL", async () => {
    const caller = await callerFor(agent);
    await caller.tags.add({ conversationId, name: "vip" });
    expect((await caller.tags.list({ conversationId })).map((tag) => tag.name)).toEqual(["vip"]);
  });
});
