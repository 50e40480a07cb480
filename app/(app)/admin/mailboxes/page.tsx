import type { Metadata } from "next";
import Link from "next/link";
import { serverCaller } from "../../../../server/api/server-caller.ts";
import type { Pop3PolicyView } from "../../../../server/mailboxes/pop3-policy.ts";
import { formatSize } from "../../../../server/mailboxes/quota-size.ts";
import { SignatureForm } from "../../../components/signature-form.tsx";
import { getT } from "../../../i18n/server.ts";
import { Panel } from "../panel.tsx";
import { requireAdmin } from "../require-admin.ts";
import { AddMailboxForm } from "./add-mailbox-form.tsx";
import { ApprovalSwitches } from "./approval-switches.tsx";
import { MailboxMembers } from "./mailbox-members.tsx";
import { Pop3PolicyForm } from "./pop3-policy-form.tsx";
import { RoundRobinToggle } from "./round-robin-toggle.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT())("admin.mailboxes") };
}

export default async function MailboxesPage() {
  await requireAdmin();
  const t = await getT();
  const caller = await serverCaller();
  const [mailboxes, users, signatures] = await Promise.all([
    caller.admin.mailboxes.list(),
    caller.admin.users.list(),
    caller.signatures.mailboxes(),
  ]);
  const roundRobin = await caller.workflow.roundRobin();
  const pop3Policies = await caller.admin.mailboxes.pop3.policies();
  const approvalMembers = await Promise.all(mailboxes.map((m) => caller.approval.members({ mailboxId: m.id })));
  const signatureOf = new Map(signatures.map((s) => [s.id, s.signature]));
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Panel id="mailboxes" title={t("admin.mailboxes")}>
        {mailboxes.length === 0 ? (
          <p className="text-sm text-slate-500">{t("admin.noMailboxes")}</p>
        ) : (
          <ul className="divide-y divide-stone-100">
            {mailboxes.map((mailbox) => {
              const share = mailbox.quotaBytes ? Math.min(1, mailbox.usedBytes / mailbox.quotaBytes) : 0;
              return (
                <li key={mailbox.id} className="py-4 first:pt-0 last:pb-0">
                  <div className="flex items-baseline justify-between gap-3">
                    <h3 className="font-medium">{mailbox.address}</h3>
                    <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-slate-600">
                      {t(mailbox.kind === "shared" ? "inbox.shared" : "inbox.personal")}
                    </span>
                  </div>
                  <p className="mt-1 text-sm text-slate-500">
                    {mailbox.members.length
                      ? t("admin.membersList", { names: mailbox.members.join(", ") })
                      : t("admin.noMembers")}
                  </p>
                  <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-2">
                    <div className="min-w-48">
                      <p className="text-xs text-slate-600">
                        {t("admin.usage", {
                          used: formatSize(mailbox.usedBytes),
                          quota: mailbox.quotaBytes === null ? t("admin.unlimited") : formatSize(mailbox.quotaBytes),
                        })}{" "}
                        ·{" "}
                        {t(mailbox.usedMessages === 1 ? "conv.oneMessage" : "conv.manyMessages", {
                          count: mailbox.usedMessages,
                        })}
                      </p>
                      {mailbox.quotaBytes ? (
                        <div className="mt-1 h-1.5 w-48 rounded-full bg-stone-100" aria-hidden="true">
                          <div className="h-1.5 rounded-full bg-slate-700" style={{ width: `${share * 100}%` }} />
                        </div>
                      ) : null}
                    </div>
                    <Link
                      href={`/admin/quotas#quota-${mailbox.id}`}
                      aria-label={t("admin.quotaLinkFor", { address: mailbox.address })}
                      className="text-sm text-slate-700 underline decoration-stone-300 underline-offset-2 hover:decoration-slate-500"
                    >
                      {t("admin.quotaLink")}
                    </Link>
                  </div>
                  <div className="mt-3">
                    <RoundRobinToggle
                      mailboxId={mailbox.id}
                      address={mailbox.address}
                      enabled={roundRobin[mailbox.id] ?? false}
                    />
                  </div>
                  {mailbox.kind === "shared" ? (
                    <div className="mt-3">
                      <MailboxMembers
                        mailboxId={mailbox.id}
                        address={mailbox.address}
                        members={approvalMembers[mailboxes.indexOf(mailbox)] ?? []}
                        users={users.map((u) => ({ id: u.id, email: u.email }))}
                      />
                    </div>
                  ) : null}
                  <div className="mt-3">
                    <ApprovalSwitches
                      mailboxId={mailbox.id}
                      address={mailbox.address}
                      members={approvalMembers[mailboxes.indexOf(mailbox)] ?? []}
                    />
                  </div>
                  {pop3Policies[mailbox.id] ? (
                    <div className="mt-3">
                      <Pop3PolicyForm
                        mailboxId={mailbox.id}
                        address={mailbox.address}
                        policy={pop3Policies[mailbox.id] as Pop3PolicyView}
                      />
                    </div>
                  ) : null}
                  <div className="mt-3 max-w-md">
                    <SignatureForm
                      target={{ kind: "mailbox", mailboxId: mailbox.id }}
                      initial={signatureOf.get(mailbox.id) ?? ""}
                      label={t("admin.signatureOf", { address: mailbox.address })}
                    />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Panel>
      <Panel id="add-mailbox" title={t("admin.addAMailbox")}>
        <AddMailboxForm
          users={users.filter((u) => !u.disabled).map((u) => ({ id: u.id, email: u.email, name: u.name }))}
        />
      </Panel>
    </div>
  );
}
