// The HTML view embeds a message's cid: images as data: URLs
// (app/api/messages/[id]/html/inline-images.ts). However many images there
// are, the raw message is parsed once for them (issue 9 item 10: it was
// parsed again for every image, up to 20 times per view).
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { embedInlineImages } from "../../app/api/messages/[id]/html/inline-images.ts";
import { type AuthorizedMessage, authorizeMessage } from "../../server/access/gate.ts";
import { messageHtml } from "../../server/conversations/message-content.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";

vi.mock("mailparser", async (importOriginal) => {
  const original = await importOriginal<typeof import("mailparser")>();
  return { ...original, simpleParser: vi.fn(original.simpleParser) };
});

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);
const IMAGES = 5;

function newsletter(): Buffer {
  const images = Array.from({ length: IMAGES }, (_, i) => [
    "--rel",
    "Content-Type: image/png",
    "Content-Transfer-Encoding: base64",
    `Content-ID: <img${i}@shop.example>`,
    "",
    PNG.toString("base64"),
  ]).flat();
  const tags = Array.from({ length: IMAGES }, (_, i) => `<img src="cid:img${i}@shop.example">`).join("");
  return Buffer.from(
    [
      "From: Shop <news@shop.example>",
      "To: support@example.com",
      "Subject: Five pictures",
      "Message-ID: <five-pictures@shop.example>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/related; boundary="rel"',
      "",
      "--rel",
      "Content-Type: text/html; charset=utf-8",
      "",
      `<p>Our range:</p>${tags}`,
      ...images,
      "--rel--",
      "",
    ].join("\r\n"),
  );
}

let message: AuthorizedMessage;

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain();
  const userId = await makeUser("agent@example.com");
  const mailbox = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  const messageId = (await deliver(mailbox, newsletter())).storedMessageId;
  const authorized = await authorizeMessage({ userId, messageId });
  if (!authorized) throw new Error("the agent cannot read the message");
  message = authorized;
});

describe("inline images in the HTML view", () => {
  it("embeds every image from one parse of the message", async () => {
    const content = await messageHtml({ message, allowRemoteImages: false });
    expect(content?.html.match(/\?inline=1/g)).toHaveLength(IMAGES);
    vi.mocked(simpleParser).mockClear();
    const html = await embedInlineImages(content?.html ?? "", message);
    expect(html.match(new RegExp(`src="data:image/png;base64,${PNG.toString("base64")}"`, "g"))).toHaveLength(IMAGES);
    expect(simpleParser).toHaveBeenCalledTimes(1);
  });
});
