import Link from "next/link";
import { getT } from "./i18n/server.ts";

/** Every 404 (a missing page, or a conversation or mailbox the reader may not see), in the reader's language. */
export default async function NotFound() {
  const t = await getT();
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-xl font-semibold">{t("errors.pageNotFound")}</h1>
      <p className="text-sm text-slate-500">{t("errors.pageNotFoundHint")}</p>
      <Link href="/inbox" className="text-sm font-medium text-slate-700 underline underline-offset-2">
        {t("errors.backToInbox")}
      </Link>
    </main>
  );
}
