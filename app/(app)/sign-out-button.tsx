"use client";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useT } from "../i18n/client.tsx";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const t = useT();
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // redirect: false, then a relative navigation: next-auth would send us to
        // NEXTAUTH_URL's host, which need not be the one in the address bar.
        await signOut({ redirect: false });
        window.location.assign("/sign-in");
      }}
      className="mt-3 w-full rounded-md border border-stone-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60"
    >
      {t("shell.signOut")}
    </button>
  );
}
