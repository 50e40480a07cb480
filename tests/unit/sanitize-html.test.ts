import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseMessage } from "../../server/mime/parse-message.ts";
import { sanitizeHtml } from "../../server/mime/sanitize-html.ts";

const cidUrl = (contentId: string) => `/api/attachments/m1/${encodeURIComponent(contentId)}`;
const blocked = { allowRemoteImages: false, cidUrl };

async function hostileHtml(): Promise<string> {
  const message = await parseMessage(readFileSync(new URL("../fixtures/mail/hostile-html.eml", import.meta.url)));
  return message.htmlBody ?? "";
}

describe("sanitizeHtml", () => {
  it("removes scripts, handlers, frames, forms, meta refresh and base", async () => {
    const { html } = sanitizeHtml(await hostileHtml(), blocked);
    for (const needle of [
      "<script",
      "alert",
      "document.cookie",
      "onerror",
      "onload",
      "javascript:",
      "<iframe",
      "<form",
      "<input",
      "<meta",
      "refresh",
      "<base",
      "<style",
      "expression",
      "evil.example",
    ]) {
      expect(html, needle).not.toContain(needle);
    }
    expect(html).toContain("<p>Hello <b>world</b></p>");
  });

  it("blocks and counts remote images, keeping the address aside", async () => {
    const { html, blockedRemoteImages } = sanitizeHtml(await hostileHtml(), blocked);
    expect(blockedRemoteImages).toBe(1);
    expect(html).not.toMatch(/\ssrc="https:\/\/tracker/);
    expect(html).toContain('data-blocked-src="https://tracker.example.net/p.gif?id=123"');
  });

  it("loads remote images when the reader allows them", async () => {
    const { html, blockedRemoteImages } = sanitizeHtml(await hostileHtml(), { allowRemoteImages: true, cidUrl });
    expect(blockedRemoteImages).toBe(0);
    expect(html).toMatch(/\ssrc="https:\/\/tracker\.example\.net\/p\.gif\?id=123"/);
  });

  it("points cid: images at the attachment URL", async () => {
    const { html } = sanitizeHtml(await hostileHtml(), blocked);
    expect(html).toContain('<img alt="logo" src="/api/attachments/m1/logo%40yubin" />');
    expect(html).not.toContain("cid:");
    const missing = sanitizeHtml('<img src="cid:gone@x">', { allowRemoteImages: false, cidUrl: () => null });
    expect(missing.html).toBe("<img />");
  });

  it("opens links in a new tab without referrer and drops non-http(s) or relative ones", async () => {
    const { html } = sanitizeHtml(await hostileHtml(), blocked);
    expect(html).toContain(
      '<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
    expect(html).toContain('<a target="_blank" rel="noopener noreferrer nofollow">click</a>');
    const tricky = sanitizeHtml(
      '<a href=" JaVa&#x09;script:alert(1)">a</a><a href="vbscript:msgbox">b</a><a href="/api/logout">c</a><a href="data:text/html,x">d</a>',
      blocked,
    );
    expect(tricky.html).not.toContain("href");
  });

  it("allows data: only for images, and only image types", () => {
    const { html } = sanitizeHtml(
      '<img src="data:image/png;base64,AAAA"><img src="data:text/html;base64,PHNjcmlwdD4="><object data="x"></object><embed src="x">',
      blocked,
    );
    expect(html).toBe('<img src="data:image/png;base64,AAAA" /><img />');
  });

  it("strips CSS url() to remote hosts unless allowed, and every CSS escape or expression", () => {
    const input =
      '<p style="color:red;background:url(https://t.example/bg.gif)">a</p>' +
      '<p style="background:\\75 rl(https://t.example/x.gif);font-weight:bold">b</p>' +
      '<p style="width:expression(alert(1));color:blue">c</p>' +
      '<img src="//t.example/p.gif">';
    const strict = sanitizeHtml(input, blocked);
    expect(strict.html).toBe(
      '<p style="color:red">a</p><p style="font-weight:bold">b</p><p style="color:blue">c</p>' +
        '<img data-blocked-src="https://t.example/p.gif" />',
    );
    expect(strict.blockedRemoteImages).toBe(2);
    const open = sanitizeHtml(input, { allowRemoteImages: true, cidUrl });
    expect(open.html).toContain("background:url(https://t.example/bg.gif)");
    expect(open.html).toContain('<img src="https://t.example/p.gif" />');
    expect(open.html).not.toContain("expression");
  });

  it("counts image-set() and the other string-loading image functions as blocked remote images", () => {
    const input =
      "<p style=\"background-image:image-set(&quot;https://t.example/a.png&quot; 1x, '//t.example/b.png' 2x);color:red\">a</p>" +
      '<p style="background:-webkit-image-set(&quot;https://t.example/c.png&quot; 1x)">b</p>' +
      '<p style="background-image:cross-fade(&quot;https://t.example/d.png&quot;, &quot;https://t.example/e.png&quot;)">c</p>' +
      "<p style=\"background-image:image(&quot;https://t.example/f.png&quot;);font-family:'Arial'\">d</p>" +
      '<p style="list-style-image:image-set(&quot;cid:part1&quot; 1x)">e</p>';
    const strict = sanitizeHtml(input, blocked);
    expect(strict.html).not.toContain("t.example");
    expect(strict.html).not.toContain("cid:");
    expect(strict.html).toContain('style="color:red"');
    expect(strict.html).toContain("font-family:'Arial'");
    expect(strict.blockedRemoteImages).toBe(4);
    const open = sanitizeHtml(input, { allowRemoteImages: true, cidUrl });
    expect(open.html).toContain("image-set(");
    expect(open.html).toContain("https://t.example/a.png");
    expect(open.blockedRemoteImages).toBe(0);
    expect(open.html).not.toContain("cid:part1");
  });
});
