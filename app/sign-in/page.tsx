import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "../../server/auth/current-user.ts";
import { Logo } from "../components/logo.tsx";
import { getT } from "../i18n/server.ts";
import { SignInForm } from "./sign-in-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("signIn.title") };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  if (await currentUser()) redirect("/inbox");
  const t = await getT();
  const { changed } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo size="lg" />
        </div>
        <div className="rounded-xl border border-stone-200 bg-white p-8 shadow-sm">
          <h1 className="mb-6 text-lg font-semibold">{t("signIn.heading")}</h1>
          {changed === "1" ? (
            <p
              role="status"
              className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
            >
              {t("signIn.passwordChanged")}
            </p>
          ) : null}
          <SignInForm />
        </div>
      </div>
    </main>
  );
}
