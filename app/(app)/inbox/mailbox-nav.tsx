import Link from "next/link";
import { getT } from "../../i18n/server.ts";

export interface MailboxLink {
  id: number;
  address: string;
  displayName: string;
}

/** "All mailboxes" and one link per mailbox the reader belongs to; the current one is marked for screen readers. */
export async function MailboxNav({ mailboxes, current }: { mailboxes: MailboxLink[]; current: number | null }) {
  const t = await getT();
  const links = [
    { key: "all", href: "/inbox", label: t("inbox.allMailboxes"), detail: null, active: current === null },
    ...mailboxes.map((m) => ({
      key: String(m.id),
      href: `/inbox?mailbox=${m.id}`,
      label: m.displayName || m.address,
      detail: m.displayName ? m.address : null,
      active: current === m.id,
    })),
  ];
  return (
    <nav aria-label={t("inbox.mailboxes")} className="mt-4">
      <ul className="flex flex-wrap gap-2">
        {links.map((link) => (
          <li key={link.key}>
            <Link
              href={link.href}
              aria-current={link.active ? "page" : undefined}
              title={link.detail ?? undefined}
              className={`inline-flex items-baseline gap-1.5 rounded-full border px-3 py-1 text-sm focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none ${
                link.active
                  ? "border-slate-900 bg-slate-900 text-white"
                  : "border-stone-300 bg-white text-slate-700 hover:bg-stone-50"
              }`}
            >
              {link.label}
              {link.detail ? (
                <span className={`text-xs ${link.active ? "text-slate-300" : "text-slate-500"}`}>{link.detail}</span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
