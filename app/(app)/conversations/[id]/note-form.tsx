"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from "react";
import { MAX_NOTE_CHARS } from "../../../../server/limits.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { useComposingPresence } from "../../../components/presence.tsx";
import { useT } from "../../../i18n/client.tsx";
import { useTRPC } from "../../../trpc/client.ts";

interface Member {
  id: number;
  name: string;
  email: string;
}

const label = (m: Member) => m.name || m.email;

/** The "@query" being typed just before the cursor, if any. */
function mentionQuery(text: string, cursor: number): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, cursor));
  if (!match) return null;
  return { start: cursor - (match[2] ?? "").length - 1, query: (match[2] ?? "").toLowerCase() };
}

/** The Note button and, when open, a plain-text note with an @ autocomplete of the mailbox's members. */
export function NoteForm({ conversationId }: { conversationId: number }) {
  const [open, setOpen] = useState(false);
  const t = useT();
  if (!open) {
    return (
      <button
        type="button"
        data-shortcut="note"
        onClick={() => setOpen(true)}
        className="rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm font-medium text-amber-900 hover:bg-amber-100 focus-visible:ring-2 focus-visible:ring-amber-400 focus-visible:outline-none"
      >
        {t("note.button")}
      </button>
    );
  }
  return <OpenNoteForm conversationId={conversationId} onClose={() => setOpen(false)} />;
}

function OpenNoteForm({ conversationId, onClose }: { conversationId: number; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const t = useT();
  const area = useRef<HTMLTextAreaElement>(null);
  // Where the caret goes once the text with a chosen mention is in the DOM. Set
  // in the same commit (a layout effect), before any further key is handled: a
  // deferred caret (requestAnimationFrame) landed after keys typed meanwhile and
  // moved the rest of the sentence behind them.
  const pendingCaret = useRef<number | null>(null);
  const [text, setText] = useState("");
  const [chosen, setChosen] = useState<Member[]>([]);
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const members = useQuery(trpc.notes.members.queryOptions({ conversationId }));
  const add = useMutation(trpc.notes.add.mutationOptions());
  // Others see "writing a note" while it holds text; emptying or closing the form ends it.
  useComposingPresence("noting", text.trim() !== "");

  const options = query
    ? (members.data ?? [])
        .filter((m) => m.name.toLowerCase().includes(query.query) || m.email.toLowerCase().includes(query.query))
        .slice(0, 8)
    : [];

  function track(value: string, cursor: number) {
    setText(value);
    setQuery(mentionQuery(value, cursor));
    setActive(0);
  }

  function choose(member: Member) {
    if (!query) return;
    const cursor = area.current?.selectionStart ?? text.length;
    const inserted = `@${label(member)} `;
    const next = text.slice(0, query.start) + inserted + text.slice(cursor);
    setText(next);
    setChosen((list) => (list.some((m) => m.id === member.id) ? list : [...list, member]));
    setQuery(null);
    pendingCaret.current = query.start + inserted.length;
  }

  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !area.current) return;
    pendingCaret.current = null;
    area.current.focus();
    area.current.setSelectionRange(caret, caret);
  });

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (!options.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      const member = options[active];
      if (member) choose(member);
    } else if (event.key === "Escape") {
      event.preventDefault();
      setQuery(null);
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A mention whose @Name was deleted from the text again notifies nobody.
    const mentions = chosen.filter((m) => text.includes(`@${label(m)}`)).map((m) => m.id);
    const done = await add.mutateAsync({ conversationId, body: text, mentions }).catch(() => null);
    if (!done) return;
    onClose();
    router.refresh();
  }

  const listId = `${id}-members`;
  return (
    <form
      onSubmit={onSubmit}
      aria-label={t("note.label")}
      noValidate
      className="rounded-xl border border-amber-300 bg-amber-50 p-4 shadow-sm"
    >
      <label htmlFor={`${id}-body`} className="block text-sm font-semibold text-amber-950">
        {t("note.label")}
        <span className="ml-2 font-normal text-amber-900/80">{t("note.hint")}</span>
      </label>
      <div className="relative mt-2">
        <textarea
          id={`${id}-body`}
          ref={area}
          value={text}
          // biome-ignore lint/a11y/noAutofocus: the member just asked for the form
          autoFocus
          rows={4}
          maxLength={MAX_NOTE_CHARS}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={options.length > 0}
          aria-controls={listId}
          aria-activedescendant={options.length ? `${listId}-${options[active]?.id}` : undefined}
          onChange={(e) => track(e.target.value, e.target.selectionStart)}
          onKeyDown={onKeyDown}
          onClick={(e) => setQuery(mentionQuery(text, e.currentTarget.selectionStart))}
          className="block w-full resize-y rounded-md border border-amber-300 bg-white px-3 py-2 text-sm leading-relaxed focus:border-amber-500 focus:ring-2 focus:ring-amber-200 focus:outline-none"
        />
        {options.length ? (
          <div
            id={listId}
            role="listbox"
            aria-label={t("note.mention")}
            className="absolute left-0 z-10 mt-1 w-72 overflow-hidden rounded-md border border-stone-200 bg-white py-1 text-sm shadow-lg"
          >
            {options.map((m, i) => (
              <div
                key={m.id}
                id={`${listId}-${m.id}`}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                // mousedown, not click: the textarea keeps its focus and cursor
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(m);
                }}
                className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-amber-100" : "hover:bg-stone-50"}`}
              >
                <span className="font-medium text-slate-900">{label(m)}</span>
                {m.name ? <span className="ml-2 text-xs text-slate-500">{m.email}</span> : null}
              </div>
            ))}
          </div>
        ) : null}
      </div>
      <div className="mt-3 space-y-2">
        <FormMessage error={add.error} />
        <div className="flex items-center gap-3">
          <button
            type="submit"
            disabled={add.isPending || !text.trim()}
            aria-busy={add.isPending}
            className="rounded-md bg-amber-600 px-4 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-amber-700 focus-visible:ring-2 focus-visible:ring-amber-400 focus-visible:ring-offset-2 focus-visible:outline-none disabled:opacity-60"
          >
            {t("note.add")}
          </button>
          <button
            type="button"
            onClick={onClose}
            className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-amber-100"
          >
            {t("common.cancel")}
          </button>
        </div>
      </div>
    </form>
  );
}
