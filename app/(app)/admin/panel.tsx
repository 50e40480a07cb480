import type { ReactNode } from "react";

/** A titled white card: the admin pages are a list panel and a form panel. The id is
 * given, not derived from the (translated) title: Japanese titles have no \w characters. */
export function Panel({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  const headingId = `${id}-heading`;
  return (
    <section aria-labelledby={headingId} className="rounded-xl border border-stone-200 bg-white shadow-sm">
      <h2 id={headingId} className="border-b border-stone-100 px-3 py-3 text-sm font-semibold text-slate-700 sm:px-5">
        {title}
      </h2>
      <div className="p-3 sm:p-5">{children}</div>
    </section>
  );
}
