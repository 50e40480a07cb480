import type { Metadata } from "next";
import { Logo } from "../components/logo.tsx";
import { getT } from "../i18n/server.ts";
import { SetPasswordForm } from "./set-password-form.tsx";

// Opened from a one-time link (/set-password#TOKEN) an admin handed over: an
// invitation or a password reset (server/users/password-links.ts). The token
// is in the fragment, which only the browser sees; the form sends it.
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("setPassword.title") };
}

export default async function SetPasswordPage() {
  const t = await getT();
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo size="lg" />
        </div>
        <div className="rounded-xl border border-stone-200 bg-white p-8 shadow-sm">
          <h1 className="mb-6 text-lg font-semibold">{t("setPassword.heading")}</h1>
          <SetPasswordForm />
        </div>
      </div>
    </main>
  );
}
