"use client";
import { useEffect, useRef } from "react";
import { useT } from "../../../i18n/client.tsx";

/**
 * Simple rich text for replies: bold, italic and links over a contenteditable
 * area. The browser's editing commands do the work; whatever HTML results is
 * cut down to a small allow-list on the server (server/compose/compose-html.ts).
 */
export function RichTextEditor({
  id,
  initialText,
  initialHtml,
  onChange,
  invalid,
  describedBy,
}: {
  id: string;
  initialText: string;
  /** HTML to start from instead (a restored draft's, already cut to the composer's allow-list by the server). */
  initialHtml?: string | null;
  onChange: (value: { text: string; html: string }) => void;
  invalid: boolean;
  describedBy?: string;
}) {
  const area = useRef<HTMLDivElement>(null);
  const t = useT();

  // Runs once, when the editor appears: afterwards the element owns its content.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the initial content only
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.replaceChildren();
    if (initialHtml) {
      // Parsed inert (a template runs nothing), then moved in: only the server's allow-list is in it.
      const template = document.createElement("template");
      template.innerHTML = initialHtml;
      el.append(template.content);
    } else {
      // The plain text so far becomes the starting content (escaped by textContent).
      for (const [i, line] of initialText.split("\n").entries()) {
        if (i > 0) el.append(document.createElement("br"));
        el.append(document.createTextNode(line));
      }
    }
    onChange({ text: plainText(el), html: el.innerHTML });
  }, []);

  const report = () => {
    const el = area.current;
    if (el) onChange({ text: plainText(el), html: el.innerHTML });
  };
  const command = (name: "bold" | "italic" | "createLink" | "unlink", value?: string) => {
    area.current?.focus();
    document.execCommand(name, false, value);
    report();
  };

  return (
    <div className="rounded-md border border-slate-300 focus-within:ring-2 focus-within:ring-slate-400">
      <div
        role="toolbar"
        aria-label={t("editor.formatting")}
        className="flex gap-1 border-b border-stone-100 px-2 py-1"
      >
        <ToolbarButton label={t("editor.bold")} onClick={() => command("bold")}>
          <b>B</b>
        </ToolbarButton>
        <ToolbarButton label={t("editor.italic")} onClick={() => command("italic")}>
          <i>I</i>
        </ToolbarButton>
        <ToolbarButton
          label={t("editor.link")}
          onClick={() => {
            const url = window.prompt(t("editor.linkPrompt"));
            if (url && /^(https?:|mailto:)/i.test(url.trim())) command("createLink", url.trim());
          }}
        >
          <span className="underline">{t("editor.link")}</span>
        </ToolbarButton>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a rich text area has no native element */}
      <div
        id={id}
        ref={area}
        role="textbox"
        aria-multiline="true"
        aria-label={t("composer.message")}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        tabIndex={0}
        contentEditable
        suppressContentEditableWarning
        onInput={report}
        className="min-h-64 px-3 py-2 text-sm leading-relaxed whitespace-pre-wrap outline-none"
      />
    </div>
  );
}

/** The text alternative: innerText, because line breaks (<br>, blocks) must become newlines. */
function plainText(el: HTMLElement): string {
  // biome-ignore lint/performance/useDomNodeTextContent: textContent would drop the line breaks
  return el.innerText;
}

function ToolbarButton({
  label,
  onClick,
  children,
}: {
  label: string;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      // Keep the selection in the editor while clicking the button.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onClick}
      className="rounded px-2 py-0.5 text-sm text-slate-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
    >
      {children}
    </button>
  );
}
