"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useT } from "../i18n/client.tsx";

export function AppNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  const t = useT();
  const links = [
    { href: "/inbox", label: t("shell.inbox") },
    { href: "/deleted", label: t("recovery.recentlyDeleted") },
    ...(isAdmin ? [{ href: "/admin", label: t("shell.admin") }] : []),
  ];
  return (
    <nav aria-label={t("shell.nav")} className="px-3">
      <ul className="space-y-1">
        {links.map((link) => {
          const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`block rounded-md px-3 py-2 text-sm font-medium ${
                  active ? "bg-stone-100 text-slate-900" : "text-slate-600 hover:bg-stone-50 hover:text-slate-900"
                }`}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
