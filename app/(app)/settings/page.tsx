import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { SignatureForm } from "../../components/signature-form.tsx";
import { getT } from "../../i18n/server.ts";
import { LayoutToggles } from "../inbox/layout-toggles.tsx";
import { AppPasswords } from "./app-passwords.tsx";
import { GoToNextToggle } from "./go-to-next-toggle.tsx";
import { NotificationSettings } from "./notification-settings.tsx";
import { OwnSessions } from "./own-sessions.tsx";
import { PasswordForm } from "./password-form.tsx";
import { PreferencesForm } from "./preferences-form.tsx";
import { SenderRules } from "./sender-rules.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("settings.title") };
}

export default async function SettingsPage() {
  const caller = await serverCaller();
  const [signature, preferences, me, sessions, appPasswords, submission, notifications, t] = await Promise.all([
    caller.signatures.mine(),
    caller.preferences.get(),
    caller.me.get(),
    caller.me.sessions(),
    caller.appPasswords.list(),
    caller.appPasswords.submission(),
    caller.notifications.settings(),
    getT(),
  ]);
  const senderRules = await Promise.all(
    me.mailboxes.map(async (m) => ({
      id: m.id,
      address: m.address,
      rules: await caller.senders.list({ mailboxId: m.id }),
    })),
  );
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">{t("settings.title")}</h1>
      <section
        aria-labelledby="preferences-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="preferences-heading" className="text-sm font-semibold text-slate-700">
          {t("settings.preferences")}
        </h2>
        <div className="mt-4">
          <PreferencesForm locale={preferences.locale} timeZone={preferences.timeZone} />
        </div>
      </section>
      <section
        aria-labelledby="replying-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="replying-heading" className="text-sm font-semibold text-slate-700">
          {t("settings.replying")}
        </h2>
        <div className="mt-4">
          <GoToNextToggle initial={preferences.goToNext} />
        </div>
      </section>
      <section
        aria-labelledby="inbox-layout-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="inbox-layout-heading" className="text-sm font-semibold text-slate-700">
          {t("layout.settings")}
        </h2>
        <div className="mt-4">
          <LayoutToggles initial={preferences.inbox} inSettings />
        </div>
      </section>
      <section
        id="notifications"
        aria-labelledby="notification-settings-heading"
        className="mt-6 scroll-mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="notification-settings-heading" className="text-sm font-semibold text-slate-700">
          {t("notificationSettings.title")}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t("notificationSettings.hint")}</p>
        <div className="mt-4">
          <NotificationSettings initial={notifications} />
        </div>
      </section>
      <section
        aria-labelledby="signature-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="signature-heading" className="text-sm font-semibold text-slate-700">
          {t("settings.signature")}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t("settings.signatureHint")}</p>
        <div className="mt-4">
          <SignatureForm target={{ kind: "user" }} initial={signature} label={t("settings.signature")} />
        </div>
      </section>
      <section
        id="password"
        aria-labelledby="password-heading"
        className="mt-6 scroll-mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="password-heading" className="text-sm font-semibold text-slate-700">
          {t("settings.password")}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t("settings.passwordHint")}</p>
        <div className="mt-4">
          <PasswordForm />
        </div>
      </section>
      <section
        aria-labelledby="sessions-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="sessions-heading" className="text-sm font-semibold text-slate-700">
          {t("settings.sessions")}
        </h2>
        <p className="mt-1 text-sm text-slate-500">{t("settings.sessionsHint")}</p>
        <div className="mt-4">
          <OwnSessions
            initial={sessions.map((s) => ({
              ...s,
              createdAt: s.createdAt.toISOString(),
              expiresAt: s.expiresAt.toISOString(),
            }))}
          />
        </div>
      </section>
      {senderRules.length > 0 ? (
        <section
          aria-labelledby="senders-heading"
          className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
        >
          <h2 id="senders-heading" className="text-sm font-semibold text-slate-700">
            {t("senders.title")}
          </h2>
          <p className="mt-1 text-sm text-slate-500">{t("senders.hint")}</p>
          <div className="mt-4">
            <SenderRules mailboxes={senderRules} />
          </div>
        </section>
      ) : null}
      <section
        aria-labelledby="app-passwords-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="app-passwords-heading" className="text-sm font-semibold text-slate-700">
          {t("appPasswords.title")}
        </h2>
        <div className="mt-2">
          <AppPasswords
            passwords={appPasswords}
            mailboxes={me.mailboxes.map((m) => ({ id: m.id, address: m.address }))}
            submission={submission}
          />
        </div>
      </section>
    </div>
  );
}
