// "Remote images are blocked" shows only above HTML that has remote images:
// the conversation asks PostgreSQL with REMOTE_IMAGE_PATTERN (no sanitising
// on every page view), and that answer must cover everything the sanitiser
// blocks, while our own rich-text replies (links, no images) stay without
// the notice.
import { beforeAll, describe, expect, it } from "vitest";
import { authorizeConversation } from "../../server/access/gate.ts";
import { getConversation } from "../../server/conversations/get-conversation.ts";
import { REMOTE_IMAGE_PATTERN, sanitizeHtml } from "../../server/mime/sanitize-html.ts";
import { useTestDatabase } from "../support/database.ts";
import { deliver, makeDomain, makeSharedMailbox, makeUser } from "../support/factories.ts";

const WITH_REMOTE = {
  img: '<p>Hi</p><img src="https://tracker.example/p.gif" width="1">',
  unquoted: "<IMG\nalt=x SRC=http://tracker.example/p.gif>",
  protocolRelative: "<img src='//cdn.example/logo.png'>",
  cssUrl: "<td style=\"background:url('http://img.example/bg.png')\">x</td>",
  cssEntity: '<p style="background-image:url(&quot;https://img.example/a.png&quot;)">x</p>',
  imageSet: '<p style="background-image:image-set(&quot;https://t.example/a.png&quot; 1x)">Dear</p>',
  referenceSpelled: '<img src="&#104;ttps://tracker.example/p.gif">',
};
const WITHOUT_REMOTE = {
  ownRichReply:
    '<div>Very <b>nice</b>, <i>thanks</i>.<br><a href="https://shop.example/orders/1">your order</a></div>' +
    "<div><br></div><div>On Tue, Hanako wrote:</div><div>&gt; Where is https://shop.example/x ?</div>",
  cid: '<p>Logo</p><img src="cid:logo@shop.example">',
  dataImage: '<img src="data:image/png;base64,iVBORw0KGgo=">',
  relative: '<img src="/images/x.png"><a href="//shop.example/">shop</a>',
};

function htmlMail(name: string, html: string): Buffer {
  return Buffer.from(
    [
      "From: Shop <news@shop.example>",
      "To: support@example.com",
      `Subject: remote ${name}`,
      `Message-ID: <remote-${name}@shop.example>`,
      "MIME-Version: 1.0",
      "Content-Type: text/html; charset=utf-8",
      "",
      html,
      "",
    ].join("\r\n"),
  );
}

const flags = new Map<string, boolean>();

beforeAll(async () => {
  await useTestDatabase();
  await makeDomain();
  const userId = await makeUser("agent@example.com");
  const mailboxId = await makeSharedMailbox("support@example.com", ["agent@example.com"]);
  for (const [name, html] of Object.entries({ ...WITH_REMOTE, ...WITHOUT_REMOTE })) {
    const { conversationId } = await deliver(mailboxId, htmlMail(name, html));
    const authorized = await authorizeConversation({ userId, conversationId });
    const conversation = authorized ? await getConversation(authorized) : null;
    const message = conversation?.messages[0];
    expect(message?.hasHtml, name).toBe(true);
    flags.set(name, message?.remoteImages as boolean);
  }
});

describe("remote images notice", () => {
  it("is asked for wherever the sanitiser blocks a remote image", () => {
    for (const [name, html] of Object.entries(WITH_REMOTE)) {
      expect(sanitizeHtml(html, { allowRemoteImages: false, cidUrl: () => null }).blockedRemoteImages, name).toBe(1);
      expect(flags.get(name), name).toBe(true);
      expect(new RegExp(REMOTE_IMAGE_PATTERN, "i").test(html), name).toBe(true);
    }
  });

  it("is not asked for HTML with links but no remote image, as our own rich-text replies are", () => {
    for (const [name, html] of Object.entries(WITHOUT_REMOTE)) {
      expect(sanitizeHtml(html, { allowRemoteImages: false, cidUrl: () => null }).blockedRemoteImages, name).toBe(0);
      expect(flags.get(name), name).toBe(false);
      expect(new RegExp(REMOTE_IMAGE_PATTERN, "i").test(html), name).toBe(false);
    }
  });
});
