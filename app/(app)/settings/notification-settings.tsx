"use client";
// Settings → Notifications: for each kind, in the app / by e-mail / in the
// browser, saved as each box is switched (a failed save puts the box back),
// the daily digest, and the browser's own permission for pop-ups.
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { FormMessage } from "../../components/form-message.tsx";
import { useT } from "../../i18n/client.tsx";
import type { MessageKey } from "../../i18n/translate.ts";
import { useTRPC } from "../../trpc/client.ts";

type Kind =
  | "note.mention"
  | "conversation.assigned"
  | "customer.replied"
  | "reply.approved"
  | "reply.returned"
  | "conversation.woke";
type Channel = "inApp" | "email" | "browser";
type Channels = Record<Channel, boolean>;

const KINDS: { kind: Kind; label: MessageKey }[] = [
  { kind: "conversation.assigned", label: "notificationSettings.kind.conversation.assigned" },
  { kind: "customer.replied", label: "notificationSettings.kind.customer.replied" },
  { kind: "note.mention", label: "notificationSettings.kind.note.mention" },
  { kind: "reply.approved", label: "notificationSettings.kind.reply.approved" },
  { kind: "reply.returned", label: "notificationSettings.kind.reply.returned" },
  { kind: "conversation.woke", label: "notificationSettings.kind.conversation.woke" },
];
const CHANNELS: { channel: Channel; label: MessageKey }[] = [
  { channel: "inApp", label: "notificationSettings.inApp" },
  { channel: "email", label: "notificationSettings.email" },
  { channel: "browser", label: "notificationSettings.browser" },
];

export function NotificationSettings({ initial }: { initial: { kinds: Record<Kind, Channels>; digest: boolean } }) {
  const trpc = useTRPC();
  const t = useT();
  const [kinds, setKinds] = useState(initial.kinds);
  const [digest, setDigest] = useState(initial.digest);
  const save = useMutation(trpc.notifications.setSetting.mutationOptions());
  const saveDigest = useMutation(
    trpc.notifications.setDigest.mutationOptions({ onError: (_e, input) => setDigest(!input.digest) }),
  );

  function toggle(kind: Kind, channel: Channel, value: boolean) {
    const before = kinds[kind];
    const next = { ...before, [channel]: value };
    setKinds((all) => ({ ...all, [kind]: next }));
    save.mutate({ kind, ...next }, { onError: () => setKinds((all) => ({ ...all, [kind]: before })) });
  }

  return (
    <div className="space-y-4">
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead>
            <tr className="text-left text-xs font-medium text-slate-500">
              <th scope="col" className="py-1 pr-3 font-medium">
                {t("notificationSettings.kind")}
              </th>
              {CHANNELS.map((c) => (
                <th key={c.channel} scope="col" className="px-2 py-1 text-center font-medium">
                  {t(c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {KINDS.map((k) => (
              <tr key={k.kind}>
                <th scope="row" className="py-2 pr-3 text-left font-normal text-slate-700">
                  {t(k.label)}
                </th>
                {CHANNELS.map((c) => (
                  <td key={c.channel} className="px-2 py-2 text-center">
                    <input
                      type="checkbox"
                      checked={kinds[k.kind][c.channel]}
                      aria-label={t("notificationSettings.toggle", { channel: t(c.label), kind: t(k.label) })}
                      onChange={(e) => toggle(k.kind, c.channel, e.target.checked)}
                      className="h-4 w-4 rounded border-stone-300 accent-slate-900"
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={digest}
          disabled={saveDigest.isPending}
          onChange={(e) => {
            setDigest(e.target.checked);
            saveDigest.mutate({ digest: e.target.checked });
          }}
          className="h-4 w-4 rounded border-stone-300 accent-slate-900"
        />
        {t("notificationSettings.digest")}
      </label>
      <BrowserPermission />
      <FormMessage error={save.error ?? saveDigest.error} />
    </div>
  );
}

/** The browser's permission, asked for only when the person presses the button (browsers require a gesture). */
function BrowserPermission() {
  const t = useT();
  // Unknown until mounted: the server cannot know the browser's permission.
  const [supported, setSupported] = useState(true);
  const [permission, setPermission] = useState<NotificationPermission | null>(null);
  useEffect(() => {
    const available = typeof Notification !== "undefined";
    setSupported(available);
    if (available) setPermission(Notification.permission);
  }, []);
  if (!supported) {
    return <p className="text-sm text-slate-500">{t("notificationSettings.browserUnsupported")}</p>;
  }
  if (permission === null) return null;
  if (permission === "granted") {
    return <p className="text-sm text-slate-500">{t("notificationSettings.browserAllowed")}</p>;
  }
  if (permission === "denied") {
    return <p className="text-sm text-slate-500">{t("notificationSettings.browserBlocked")}</p>;
  }
  return (
    <button
      type="button"
      onClick={async () => setPermission(await Notification.requestPermission())}
      className="rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-stone-50"
    >
      {t("notificationSettings.allowBrowser")}
    </button>
  );
}
