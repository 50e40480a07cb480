"use client";
// The reply's text (and, in rich text mode, its HTML alternative), and where
// the caret goes in it.
import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";

export interface ReplyBody {
  text: string;
  /** Sent with `text` as the message's HTML alternative while `rich` is on. */
  html: string;
  rich: boolean;
  /** What the rich text editor starts from, when the reply was restored in rich text. */
  initialHtml: string | null;
  /** The writer has changed the text it started with (the quote and signature alone are not a reply). */
  edited: boolean;
  /** The plain text area (absent in rich text mode). */
  area: RefObject<HTMLTextAreaElement | null>;
  setText: (text: string) => void;
  setRichValue: (value: { text: string; html: string }) => void;
  toggleRich: () => void;
  /** A saved reply goes where the cursor is (replacing any selection), and the cursor after it. */
  insertAtCursor: (snippet: string) => void;
}

/**
 * `bodyId` is the editor's element id (the rich editor keeps its own selection).
 * `start` is what a fresh reply holds (the signature and the quote): the text
 * counts as edited once it differs from that. A restored draft starts from its
 * own text (and HTML, in rich text mode) instead.
 */
export function useReplyBody(
  start: () => string,
  bodyId: string,
  restored: { text: string; html: string | null } | null = null,
): ReplyBody {
  const area = useRef<HTMLTextAreaElement>(null);
  const [startedWith] = useState(start);
  const [text, setText] = useState(() => restored?.text ?? startedWith);
  const [rich, setRich] = useState(restored?.html != null);
  const [html, setHtml] = useState(restored?.html ?? "");
  /** The HTML the rich editor starts from (a restored draft's), read once when it appears. */
  const [initialHtml] = useState(restored?.html ?? null);

  // The caret after an inserted snippet, placed in the commit that shows it
  // (not a frame later, when keys typed meanwhile would end up behind it).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !area.current) return;
    pendingCaret.current = null;
    area.current.focus();
    area.current.setSelectionRange(caret, caret);
  });

  // The cursor starts above the quoted history.
  useEffect(() => {
    area.current?.focus();
    area.current?.setSelectionRange(0, 0);
    area.current?.scrollIntoView({ block: "nearest" });
  }, []);

  function insertAtCursor(snippet: string) {
    if (rich) {
      // The rich editor keeps its own selection: insert there through the editing command.
      (document.getElementById(bodyId) as HTMLElement | null)?.focus();
      document.execCommand("insertText", false, snippet);
      return;
    }
    const start = area.current?.selectionStart ?? 0;
    const end = area.current?.selectionEnd ?? start;
    setText((current) => current.slice(0, start) + snippet + current.slice(end));
    pendingCaret.current = start + snippet.length;
  }

  return {
    text,
    html,
    rich,
    initialHtml,
    edited: comparable(text) !== comparable(startedWith),
    area,
    setText,
    setRichValue: (value) => {
      setText(value.text);
      setHtml(value.html);
    },
    toggleRich: () => {
      if (rich) setHtml("");
      setRich(!rich);
    },
    insertAtCursor,
  };
}

/** Text as compared for "edited": the rich editor's line breaks and spacing may differ from the plain text's. */
function comparable(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
