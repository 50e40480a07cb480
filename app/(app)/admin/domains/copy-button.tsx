"use client";
import { useState, useSyncExternalStore } from "react";
import { useT } from "../../../i18n/client.tsx";

const subscribe = () => () => {};
const clipboardAvailable = () => Boolean(navigator.clipboard);

/**
 * Copies `value` to the clipboard. The clipboard API exists only in a secure
 * context (HTTPS or localhost); elsewhere no button is shown and the value
 * beside it is selectable with one click (select-all). The server renders no
 * button (it cannot know), and the browser adds it after hydration, so the two
 * renders never disagree.
 */
export function CopyButton({ value, label, text }: { value: string; label: string; text?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const canCopy = useSyncExternalStore(subscribe, clipboardAvailable, () => false);
  if (!canCopy) return null;
  return (
    <button
      type="button"
      aria-label={label}
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
      className="shrink-0 rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs text-slate-700 hover:bg-stone-50"
    >
      {copied ? t("domains.copied") : (text ?? t("domains.copy"))}
    </button>
  );
}
