import type { Metadata } from "next";
import type { ReactNode } from "react";
import { I18nProvider } from "./i18n/client.tsx";
import { getI18n, getT } from "./i18n/server.ts";
import { Providers } from "./providers.tsx";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: { default: "Yubin", template: "%s · Yubin" },
    description: (await getT())("app.description"),
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { locale, timeZone, messages } = await getI18n();
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-stone-50 font-sans text-slate-900 antialiased">
        <I18nProvider locale={locale} timeZone={timeZone} messages={messages}>
          <Providers>{children}</Providers>
        </I18nProvider>
      </body>
    </html>
  );
}
