"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useT } from "../i18n/client.tsx";

/** The shell's search box: submits to /search?q=…; "/" focuses it from anywhere but a text field. */
export function SearchBox() {
  const router = useRouter();
  const t = useT();
  const pathname = usePathname();
  const params = useSearchParams();
  const current = pathname === "/search" ? (params.get("q") ?? "") : "";
  const [value, setValue] = useState(current);
  const input = useRef<HTMLInputElement>(null);

  // Following a link to another search (or leaving /search) shows that query.
  useEffect(() => setValue(current), [current]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const q = value.trim();
    router.push(q ? `/search?q=${encodeURIComponent(q)}` : "/search");
  }

  return (
    <search className="block px-3 pb-3">
      <form onSubmit={submit}>
        <input
          ref={input}
          type="search"
          name="q"
          aria-label={t("shell.search")}
          placeholder={t("shell.searchPlaceholder")}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          maxLength={1000}
          autoComplete="off"
          className="w-full rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm shadow-sm placeholder:text-slate-400 focus-visible:border-slate-400 focus-visible:ring-2 focus-visible:ring-slate-300 focus-visible:outline-none"
        />
      </form>
    </search>
  );
}
