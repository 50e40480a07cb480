"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useT } from "../../i18n/client.tsx";
import type { MessageKey } from "../../i18n/translate.ts";

const TABS: { href: string; label: MessageKey }[] = [
  { href: "/admin/users", label: "admin.users" },
  { href: "/admin/domains", label: "admin.domains" },
  { href: "/admin/mailboxes", label: "admin.mailboxes" },
  { href: "/admin/quotas", label: "quota.tab" },
  { href: "/admin/settings", label: "admin.settings" },
  { href: "/admin/saved-replies", label: "admin.savedReplies" },
  { href: "/admin/deleted", label: "recovery.deletedMail" },
  { href: "/admin/transfers", label: "transfer.tab" },
  { href: "/admin/connectors", label: "connector.tab" },
  { href: "/admin/queue", label: "admin.queue" },
  { href: "/admin/audit", label: "admin.audit" },
  { href: "/admin/status", label: "admin.status" },
  { href: "/admin/trace", label: "trace.tab" },
];

export function AdminTabs() {
  const pathname = usePathname();
  const t = useT();
  return (
    <nav aria-label={t("admin.sections")} className="mt-4 border-b border-stone-200">
      <ul className="-mb-px flex flex-wrap gap-x-6 gap-y-1">
        {TABS.map((tab) => {
          const active = pathname.startsWith(tab.href);
          return (
            <li key={tab.href}>
              <Link
                href={tab.href}
                aria-current={active ? "page" : undefined}
                className={`inline-block border-b-2 px-1 pb-2.5 text-sm font-medium ${
                  active ? "border-slate-900 text-slate-900" : "border-transparent text-slate-500 hover:text-slate-800"
                }`}
              >
                {t(tab.label)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
