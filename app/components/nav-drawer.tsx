"use client";
import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { useT } from "../i18n/client.tsx";

/**
 * The sidebar of the signed-in shell. From md up it stands beside the page; below md
 * it is folded away behind a menu button in a top bar and opens as a drawer over the
 * page (closed again by navigating, by Escape, or by a tap beside it). While it is
 * open it holds the keyboard: focus moves into it, Tab and Shift+Tab go round inside
 * it, and closing it by Escape gives focus back to the menu button.
 */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export function NavDrawer({ brand, children }: { brand: ReactNode; children: ReactNode }) {
  const t = useT();
  const id = useId();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // A link followed inside the drawer lands on a page the drawer would cover.
  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is the effect of a new pathname
  useEffect(() => setOpen(false), [pathname]);
  const menuButton = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!open) return;
    const focusable = () =>
      [...(drawer.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])].filter((el) => el.offsetParent !== null);
    focusable()[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        menuButton.current?.focus();
        return;
      }
      if (e.key !== "Tab") return;
      const items = focusable();
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      const inside = drawer.current?.contains(document.activeElement) ?? false;
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <div className="sticky top-0 z-30 flex items-center gap-3 border-b border-stone-200 bg-white px-3 py-2 md:hidden">
        <button
          ref={menuButton}
          type="button"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
          className="grid size-11 place-items-center rounded-md text-slate-700 hover:bg-stone-100 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none"
        >
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            className="size-6"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          >
            <path d="M4 6h16M4 12h16M4 18h16" strokeLinecap="round" />
          </svg>
          <span className="sr-only">{t("shell.menu")}</span>
        </button>
        {brand}
      </div>
      {open ? (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          onClick={() => setOpen(false)}
          className="fixed inset-0 z-40 bg-slate-900/40 md:hidden"
        />
      ) : null}
      <aside
        ref={drawer}
        id={id}
        className={`${
          open ? "fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] overflow-y-auto shadow-xl" : "hidden"
        } shrink-0 flex-col border-r border-stone-200 bg-white md:static md:flex md:w-60 md:max-w-none md:overflow-visible md:shadow-none`}
      >
        <div className="px-5 py-5">{brand}</div>
        {children}
      </aside>
    </>
  );
}
