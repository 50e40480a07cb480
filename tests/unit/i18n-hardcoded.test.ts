// Every user-visible string in app/ goes through t(). This parses each
// component (with the parser vitest already runs on, oxc via vite's parseAst)
// and fails on English written straight into the UI: JSX text, the text-like
// props (aria-label, title, placeholder, label, hint…), literals a JSX
// expression shows ({busy ? "Saving…" : "Save"}), messages handed to state
// setters and window.confirm/prompt, and label/title fields of option lists,
// in every .tsx and .ts file under app/.
// The allow-list is short and exact; an entry that no longer matches fails too,
// so it cannot quietly grow stale.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseAst } from "vite";
import { describe, expect, it } from "vitest";
import { en } from "../../app/i18n/messages-en.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Props whose value a person reads or hears. */
const TEXT_PROPS = new Set([
  "aria-label",
  "aria-description",
  "aria-valuetext",
  "aria-roledescription",
  "placeholder",
  "title",
  "alt",
  "label",
  "hint",
  "success",
  "error",
]);
/** Object fields that hold UI text in option lists (tabs, menus). */
const TEXT_FIELDS = new Set(["label", "title", "placeholder", "description"]);

/** Strings that are the same in every language, by file. */
const ALLOWED: Record<string, string[]> = {
  // The brand, and the SSR fallback of a time ("2026-11-28 10:30 UTC").
  "app/components/logo.tsx": ["Yubin"],
  "app/components/local-time.tsx": ["UTC"],
  // A language is offered under its own name (English / 日本語) in every UI language.
  "app/(app)/settings/preferences-form.tsx": ["English"],
  // Example input values, not prose.
  "app/(app)/admin/domains/add-domain-form.tsx": ["example.com"],
  "app/(app)/admin/mailboxes/add-mailbox-form.tsx": ["support@example.com", "500MB"],
};

interface Finding {
  file: string;
  line: number;
  text: string;
}

type Node = { type: string; start: number; [key: string]: unknown };
const isNode = (v: unknown): v is Node => typeof v === "object" && v !== null && typeof (v as Node).type === "string";

/** Two or more Latin letters in a row (a word, not a symbol, a number or Japanese), and not a dictionary key. */
const hasWord = (s: string) => /[A-Za-z]{2,}/.test(s) && !Object.hasOwn(en, s);

function literalText(n: Node): string | null {
  if (n.type === "Literal" && typeof n.value === "string") return n.value;
  if (n.type === "TemplateLiteral") {
    return (n.quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked).join(" ");
  }
  return null;
}

/** Hard-coded UI text in one file's source. */
function findHardcodedText(file: string, source: string): Finding[] {
  const found: Finding[] = [];
  const add = (n: Node, text: string) =>
    found.push({ file, line: source.slice(0, n.start).split("\n").length, text: text.trim() });
  // A literal the expression itself evaluates to, not one passed to a call (t("key"), cn("…")).
  const shown = (e: unknown): void => {
    if (!isNode(e)) return;
    const text = literalText(e);
    if (text !== null) {
      if (hasWord(text)) add(e, text);
      return;
    }
    if (e.type === "ConditionalExpression") {
      shown(e.consequent);
      shown(e.alternate);
    } else if (e.type === "LogicalExpression" || e.type === "BinaryExpression") {
      shown(e.left);
      shown(e.right);
    } else if (e.type === "ParenthesizedExpression" || e.type === "TSAsExpression") shown(e.expression);
  };
  const visit = (n: Node, parent: Node | null): void => {
    if (n.type === "JSXText" && hasWord(String(n.value))) add(n, String(n.value));
    if (n.type === "JSXExpressionContainer" && parent?.type !== "JSXAttribute") shown(n.expression);
    if (n.type === "JSXAttribute") {
      const name = n.name as Node;
      if (name.type === "JSXIdentifier" && TEXT_PROPS.has(String(name.name)) && isNode(n.value)) {
        shown(n.value.type === "JSXExpressionContainer" ? n.value.expression : n.value);
      }
    }
    if (n.type === "CallExpression") {
      const callee = n.callee as Node;
      // A state setter (setMessage("…")), or window.confirm/prompt/alert.
      const setter = callee.type === "Identifier" && /^set[A-Z]\w*$/.test(String(callee.name));
      const dialog =
        callee.type === "MemberExpression" &&
        isNode(callee.property) &&
        ["confirm", "prompt", "alert"].includes(String(callee.property.name));
      if (setter || dialog) {
        for (const arg of n.arguments as Node[]) shown(arg);
      }
    }
    if (n.type === "Property" && isNode(n.key) && TEXT_FIELDS.has(String(n.key.name ?? n.key.value))) {
      shown(n.value);
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === "parent") continue;
      if (Array.isArray(value)) for (const child of value) isNode(child) && visit(child, n);
      else if (isNode(value)) visit(value, n);
    }
  };
  visit(parseAst(source, { lang: file.endsWith(".tsx") ? "tsx" : "ts" }) as unknown as Node, null);
  return found;
}

function appFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "app/*.tsx", "app/**/*.tsx", "app/*.ts", "app/**/*.ts"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

describe("hard-coded UI text", () => {
  it("finds what it is meant to find", () => {
    const source = `
      const TABS = [{ href: "/x", label: "Users" }, { href: "/y", label: "admin.users" }];
      export function A({ busy }) {
        const [m, setMessage] = useState(null);
        setMessage("Could not save.");
        if (window.confirm("Delete it?")) setMessage(t("common.save"));
        el.setAttribute("aria-current", "true");
        return (
          <div aria-label="Admin sections" title={busy ? "Saving…" : t("k")} className="text-sm px-2">
            Hello <b>{t("k")}</b> {"Goodbye"} {busy && "Working"} {String(busy)} ·{" "}
            <Field label={\`Quota for \${a}\`} hint="At least 10 characters." placeholder={t("p")} />
            <p>ÄÖ 1 — ×</p><p>請求書</p>
          </div>
        );
      }`;
    expect(findHardcodedText("x.tsx", source).map((f) => f.text)).toEqual([
      "Users",
      "Could not save.",
      "Delete it?",
      "Admin sections",
      "Saving…",
      "Hello",
      "Goodbye",
      "Working",
      "Quota for",
      "At least 10 characters.",
    ]);
  });

  it("app/ has none outside the allow-list", () => {
    const files = appFiles();
    expect(files.length).toBeGreaterThan(50);
    const unexpected: string[] = [];
    const used = new Set<string>();
    for (const file of files) {
      for (const f of findHardcodedText(file, readFileSync(`${ROOT}${file}`, "utf8"))) {
        if (ALLOWED[file]?.includes(f.text)) used.add(`${file}\0${f.text}`);
        else unexpected.push(`${f.file}:${f.line} ${JSON.stringify(f.text)}`);
      }
    }
    expect(unexpected, "use t() with keys in app/i18n/messages-en.ts and messages-ja.ts").toEqual([]);
    const stale = Object.entries(ALLOWED).flatMap(([file, texts]) =>
      texts.filter((text) => !used.has(`${file}\0${text}`)).map((text) => `${file} ${JSON.stringify(text)}`),
    );
    expect(stale, "allow-list entries that no longer occur: remove them").toEqual([]);
  });
});
