import sanitize from "sanitize-html";

export type SanitizeOptions = {
  /** Load remote images (the reader asked to); otherwise they are blocked and counted. */
  allowRemoteImages: boolean;
  /** URL that serves the inline part with this Content-ID (no angle brackets), or null. */
  cidUrl: (contentId: string) => string | null;
};

export type SanitizedHtml = { html: string; blockedRemoteImages: number };

const REMOTE = /^(?:https?:)?\/\//i;

/**
 * HTML that may hold a remote image, for deciding without sanitising whether
 * the reader needs "Remote images are blocked" (the conversation page asks
 * PostgreSQL with it: server/conversations/message-text.ts). It matches at
 * least what sanitizeHtml blocks — an <img> whose src is http(s) or
 * protocol-relative, url() and the image functions of CSS pointing there —
 * and not a link (<a href="https://…">), which is what our own rich-text
 * replies hold. The same text is a JavaScript and a PostgreSQL (ARE) pattern;
 * use it case-insensitively. A source spelled with character references
 * ("&#104;ttps:") starts with "&" and counts too.
 */
export const REMOTE_IMAGE_PATTERN = [
  "<img\\s[^>]*src\\s*=\\s*[\"']?\\s*(?:(?:https?:)?//|&)",
  "url\\s*\\(\\s*[\"']?\\s*(?:(?:https?:)?//|&)",
  "(?:image-set|image|cross-fade|src)\\s*\\([^)]*//",
].join("|");

// Only absolute links: a relative one would point into Yubin's own origin.
const LINK = /^(?:https?:\/\/|mailto:|tel:)/i;
// Old IE script hooks and resource loads in CSS. A backslash can spell any of
// them as a CSS escape ("\75 rl(" is url(), CSS Syntax §4.3.4), so it goes too.
const UNSAFE_CSS = /expression|javascript:|vbscript:|behavior|-moz-binding|@import|\\/i;
const CSS_URL = /url\s*\(\s*['"]?([^'")]*)/gi;
// CSS functions that load an image from a plain string, no url() needed:
// image-set("https://…" 1x) (CSS Images 4 §2.2, and its -webkit- form),
// image(), cross-fade(), src(). Every string in such a declaration counts as a URL.
const CSS_IMAGE_FUNCTION = /(?:image-set|image|cross-fade|src)\s*\(/i;
const CSS_STRING = /(["'])(.*?)\1/g;

/**
 * Mailers' own marks for quoted history and signatures, kept (the class and id
 * attributes are dropped) as data-yubin-fold so the conversation view can fold
 * them: "quote" (Gmail's gmail_quote, Thunderbird's cite prefix), "history"
 * (Outlook's divRplyFwdMsg: the header of the quoted message, whose body follows
 * as its siblings), "signature" (Gmail, Thunderbird, Outlook).
 */
function foldMark(attribs: sanitize.Attributes): string | null {
  const classes = (attribs.class ?? "").split(/\s+/);
  const id = attribs.id ?? "";
  if (id === "divRplyFwdMsg") return "history";
  if (classes.includes("gmail_quote") || classes.includes("moz-cite-prefix") || classes.includes("yahoo_quoted"))
    return "quote";
  if (classes.includes("gmail_signature") || classes.includes("moz-signature") || id === "Signature")
    return "signature";
  return null;
}

/** What a declaration may load: url() targets, and the strings of image functions. */
function cssResourceUrls(declaration: string): { urls: string[]; loads: boolean } {
  const urls = [...declaration.matchAll(CSS_URL)].map((match) => (match[1] ?? "").trim());
  const imageFunction = CSS_IMAGE_FUNCTION.test(declaration);
  if (imageFunction) urls.push(...[...declaration.matchAll(CSS_STRING)].map((match) => (match[2] ?? "").trim()));
  return { urls, loads: urls.length > 0 || imageFunction };
}

/**
 * Makes sender HTML inert for a sandboxed iframe: an allow-list of tags and
 * attributes (no script, handler, form, frame, meta refresh or base survives),
 * absolute http(s)/mailto/tel links that open in a new tab without a referrer,
 * cid: images pointed at our attachment URLs, and remote images (in <img> and
 * in CSS url()) dropped unless allowed. Remote <img> keep their address in
 * data-blocked-src so the reader can see what was blocked.
 */
export function sanitizeHtml(html: string, options: SanitizeOptions): SanitizedHtml {
  let blockedRemoteImages = 0;

  const image: sanitize.Transformer = (tagName, attribs) => {
    const { src = "", ...rest } = attribs;
    const source = src.trim();
    if (/^cid:/i.test(source)) {
      const url = options.cidUrl(contentIdOf(source));
      return { tagName, attribs: url ? { ...rest, src: url } : rest };
    }
    if (/^data:image\//i.test(source)) return { tagName, attribs: { ...rest, src: source } };
    if (REMOTE.test(source)) {
      // Protocol-relative URLs would inherit the app's scheme; say https.
      const absolute = source.startsWith("//") ? `https:${source}` : source;
      if (options.allowRemoteImages) return { tagName, attribs: { ...rest, src: absolute } };
      blockedRemoteImages++;
      return { tagName, attribs: { ...rest, "data-blocked-src": absolute } };
    }
    return { tagName, attribs: rest };
  };

  const link: sanitize.Transformer = (tagName, attribs) => {
    const { href = "", ...rest } = attribs;
    const url = href.trim();
    const opened: sanitize.Attributes = { ...rest, target: "_blank", rel: "noopener noreferrer nofollow" };
    return { tagName, attribs: LINK.test(url) ? { href: url, ...opened } : opened };
  };

  const anyTag: sanitize.Transformer = (tagName, original) => {
    // The fold mark is ours to set: a sender's own is dropped.
    const { "data-yubin-fold": _, ...own } = original;
    const fold = foldMark(own);
    const attribs = fold ? { ...own, "data-yubin-fold": fold } : own;
    if (attribs.style === undefined) return { tagName, attribs };
    const style = attribs.style
      .split(";")
      .filter((declaration) => {
        if (UNSAFE_CSS.test(declaration)) return false;
        const { urls, loads } = cssResourceUrls(declaration);
        if (!loads) return true;
        const remote = urls.some((url) => REMOTE.test(url));
        if (remote && !options.allowRemoteImages) blockedRemoteImages++;
        // Anything but a remote image the reader allowed (cid:, relative, a bare image function) is dropped.
        return remote && options.allowRemoteImages && urls.every((url) => REMOTE.test(url));
      })
      .join(";");
    return { tagName, attribs: { ...attribs, style } };
  };

  const clean = sanitize(html, {
    allowedTags: [...sanitize.defaults.allowedTags, "img", "font", "center", "u", "s", "strike", "big", "small"],
    allowedAttributes: {
      "*": [
        "data-yubin-fold",
        "style",
        "align",
        "valign",
        "width",
        "height",
        "bgcolor",
        "color",
        "dir",
        "lang",
        "title",
        "border",
      ],
      a: ["href", "name", "target", "rel"],
      img: ["src", "alt", "data-blocked-src"],
      font: ["face", "size"],
      td: ["colspan", "rowspan", "nowrap"],
      th: ["colspan", "rowspan", "nowrap"],
      table: ["cellpadding", "cellspacing"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["http", "https", "data"] },
    allowProtocolRelative: false,
    // Elements whose text must not leak into the body when the tag is dropped.
    nonTextTags: ["script", "style", "textarea", "option", "noscript", "title", "head", "iframe", "object"],
    transformTags: { "*": anyTag, img: image, a: link },
  });
  return { html: clean, blockedRemoteImages };
}

// RFC 2392 §2: a cid: URL is the Content-ID, URL-encoded, without brackets.
function contentIdOf(url: string): string {
  const encoded = url.slice(4).replace(/^<|>$/g, "");
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
