import type { ConversationNote } from "../../../../server/notes/list-notes.ts";
import { LocalTime } from "../../../components/local-time.tsx";
import { getT } from "../../../i18n/server.ts";

/** Splits the body at the @Name of each mentioned member, so mentions stand out; all of it stays React text. */
function withMentions(body: string, mentions: ConversationNote["mentions"]) {
  const names = [...new Set(mentions.map((m) => m.name || m.email))]
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  if (!names.length) return body;
  const pattern = new RegExp(`(@(?:${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")}))`, "g");
  return body.split(pattern).map((part, i) =>
    i % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
      <span key={i} className="rounded bg-amber-200/70 px-0.5 font-medium text-amber-950">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

/** An internal note in the timeline: yellow, so nobody mistakes it for mail the customer saw. */
export async function NoteCard({ note }: { note: ConversationNote }) {
  const t = await getT();
  const author = note.author?.name || note.author?.email || t("note.deletedUser");
  const headingId = `note-${note.id}-author`;
  return (
    <article
      aria-labelledby={headingId}
      data-testid="note"
      className="rounded-xl border border-amber-200 bg-amber-50 px-5 py-3 shadow-sm"
    >
      <header className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={headingId} className="text-sm">
          <span className="mr-2 rounded bg-amber-200 px-1.5 py-0.5 text-[11px] font-semibold tracking-wide text-amber-900 uppercase">
            {t("note.badge")}
          </span>
          <span className="font-semibold text-slate-900">{author}</span>
        </h2>
        <span className="text-xs text-amber-800/80">
          <LocalTime iso={note.createdAt.toISOString()} style="full" />
        </span>
      </header>
      <p
        className="mt-2 text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800"
        data-testid="note-body"
      >
        {withMentions(note.body, note.mentions)}
      </p>
      {note.mentions.length ? (
        <p className="mt-2 text-xs text-amber-900/80">
          {t("note.mentioned", { names: note.mentions.map((m) => m.name || m.email).join(", ") })}
        </p>
      ) : null}
    </article>
  );
}
