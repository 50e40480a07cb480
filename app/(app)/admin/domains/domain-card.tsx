"use client";
// One local domain on Admin → Domains: the records to publish, each with a
// copy button; "Check DNS", which resolves them now and shows per record
// whether it is published and right (a DKIM key waiting to be published
// starts signing when the check finds it); DKIM key rotation and removal of
// former keys.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { DomainCheck } from "../../../../server/domains/check-domain.ts";
import type { RecordCheck } from "../../../../server/domains/evaluate-record.ts";
import type { ExpectedRecord, RecordRole } from "../../../../server/domains/expected-records.ts";
import { FormMessage } from "../../../components/form-message.tsx";
import { LocalTime } from "../../../components/local-time.tsx";
import { useT } from "../../../i18n/client.tsx";
import type { MessageKey } from "../../../i18n/translate.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { CopyButton } from "./copy-button.tsx";
import { RecordStatus } from "./record-status.tsx";

export interface DomainRow {
  id: number;
  name: string;
  mailboxCount: number;
  records: ExpectedRecord[];
  dnsRecords: string;
}

const KIND_LABELS: Record<ExpectedRecord["kind"], string> = {
  mx: "MX",
  spf: "SPF",
  dkim: "DKIM",
  dmarc: "DMARC",
  "mta-sts": "MTA-STS",
  "tls-rpt": "TLS-RPT",
};

const ROLE_LABELS: Record<RecordRole, MessageKey> = {
  required: "domains.role.required",
  optional: "domains.role.optional",
  "dkim-next": "domains.role.dkimNext",
  "dkim-retired": "domains.role.dkimRetired",
};

const BUTTON =
  "rounded-md border border-stone-300 bg-white px-3 py-1.5 text-sm text-slate-700 hover:bg-stone-50 disabled:opacity-60";

export function DomainCard({ domain }: { domain: DomainRow }) {
  const t = useT();
  const trpc = useTRPC();
  const router = useRouter();
  const [result, setResult] = useState<DomainCheck | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const check = useMutation(trpc.admin.domains.check.mutationOptions());
  const rotate = useMutation(trpc.admin.domains.rotateDkim.mutationOptions());
  const remove = useMutation(trpc.admin.domains.removeDkimKey.mutationOptions());

  // After a check its records are shown (a DKIM switch changes roles); until then, the list's.
  const records: (ExpectedRecord | RecordCheck)[] = result?.records ?? domain.records;
  const error = check.error ?? rotate.error ?? remove.error;

  function runCheck() {
    setNotice(null);
    check.mutate(
      { name: domain.name },
      {
        onSuccess: (r) => {
          setResult(r);
          if (r.switched) {
            setNotice(t("domains.switched", { to: r.switched.to, from: r.switched.from ?? "—" }));
            router.refresh();
          }
        },
      },
    );
  }

  return (
    <li className="space-y-3" aria-labelledby={`domain-${domain.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={`domain-${domain.id}`} className="font-medium">
          {domain.name}
        </h3>
        <span className="text-xs text-slate-500">
          {t(domain.mailboxCount === 1 ? "admin.oneMailbox" : "admin.manyMailboxes", { count: domain.mailboxCount })}
        </span>
      </div>
      <p className="text-xs text-slate-500">{t("domains.recordsHint")}</p>
      <div className="overflow-x-auto">
        <table aria-label={t("domains.tableLabel", { name: domain.name })} className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">{t("domains.colRecord")}</th>
              <th className="py-1 pr-3 font-medium">{t("domains.colName")}</th>
              <th className="py-1 pr-3 font-medium">{t("domains.colValue")}</th>
              <th className="w-56 py-1 font-medium">{t("domains.colStatus")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100 align-top">
            {records.map((r) => (
              <RecordRow
                key={`${r.kind} ${r.name}`}
                record={r}
                checked={result !== null}
                onRemove={(selector) => {
                  setNotice(null);
                  remove.mutate(
                    { name: domain.name, selector },
                    {
                      onSuccess: () => {
                        setResult(null);
                        setNotice(t("domains.removed", { selector }));
                        router.refresh();
                      },
                    },
                  );
                }}
                removing={remove.isPending}
              />
            ))}
          </tbody>
        </table>
      </div>
      {records.some((r) => r.kind === "mta-sts") ? (
        <p className="text-xs text-slate-500">{t("domains.mtaStsNote", { name: domain.name })}</p>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          onClick={runCheck}
          disabled={check.isPending}
          aria-busy={check.isPending}
          aria-label={t("domains.checkLabel", { name: domain.name })}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
        >
          {check.isPending ? t("domains.checking") : t("domains.check")}
        </button>
        <button
          type="button"
          disabled={rotate.isPending || domain.records.some((r) => r.role === "dkim-next")}
          aria-label={t("domains.rotateLabel", { name: domain.name })}
          onClick={() => {
            setNotice(null);
            rotate.mutate(
              { name: domain.name },
              {
                onSuccess: (r) => {
                  setResult(null);
                  setNotice(t("domains.rotated", { selector: r.selector }));
                  router.refresh();
                },
              },
            );
          }}
          className={BUTTON}
        >
          {t("domains.rotate")}
        </button>
        <CopyButton
          value={domain.dnsRecords}
          label={t("domains.copyAllLabel", { name: domain.name })}
          text={t("domains.copyAll")}
        />
      </div>
      {result ? (
        <p role="status" className={`text-sm ${result.ok ? "text-emerald-800" : "text-rose-800"}`}>
          {result.ok ? t("domains.allGood") : t("domains.someWrong")}{" "}
          <span className="text-xs text-slate-500">
            <LocalTime iso={result.checkedAt} />
          </span>
        </p>
      ) : null}
      <FormMessage error={error} success={notice} />
    </li>
  );
}

function RecordRow({
  record,
  checked,
  onRemove,
  removing,
}: {
  record: ExpectedRecord | RecordCheck;
  checked: boolean;
  onRemove: (selector: string) => void;
  removing: boolean;
}) {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const kind = KIND_LABELS[record.kind];
  const removable = record.selector && (record.role === "dkim-retired" || record.role === "dkim-next");
  return (
    <tr data-testid={`record-${record.kind}-${record.selector ?? record.name}`}>
      <td className="py-2 pr-3 whitespace-nowrap">
        <div className="font-medium">
          {kind} <span className="text-xs text-slate-500">{record.type}</span>
        </div>
        <div className="text-xs text-slate-500">{t(ROLE_LABELS[record.role])}</div>
      </td>
      <td className="py-2 pr-3">
        <div className="flex items-start gap-2">
          <code className="font-mono text-xs break-all select-all">{record.name}</code>
          <CopyButton
            value={record.name}
            label={t("domains.copyLabel", { kind: t("domains.colName"), name: record.name })}
          />
        </div>
      </td>
      <td className="py-2 pr-3">
        <div className="flex items-start gap-2">
          <code className="max-w-md font-mono text-xs break-all select-all">{record.value}</code>
          <CopyButton value={record.value} label={t("domains.copyLabel", { kind, name: record.name })} />
        </div>
        {removable ? (
          <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
            {confirming ? (
              <>
                <span>{t("domains.removeConfirm", { selector: record.selector as string })}</span>
                <button
                  type="button"
                  disabled={removing}
                  onClick={() => onRemove(record.selector as string)}
                  className="rounded-md border border-rose-300 bg-rose-50 px-2 py-0.5 text-rose-800"
                >
                  {t("domains.removeYes", { selector: record.selector as string })}
                </button>
                <button type="button" onClick={() => setConfirming(false)} className="px-2 py-0.5 text-slate-600">
                  {t("common.cancel")}
                </button>
              </>
            ) : (
              <button
                type="button"
                aria-label={t("domains.removeLabel", { selector: record.selector as string })}
                onClick={() => setConfirming(true)}
                className="rounded-md border border-stone-300 bg-white px-2 py-0.5 text-slate-700"
              >
                {t("domains.remove")}
              </button>
            )}
          </div>
        ) : null}
      </td>
      <td className="py-2">
        {"state" in record ? (
          <RecordStatus check={record} />
        ) : (
          <span className="text-xs text-slate-400">{checked ? "" : t("domains.notChecked")}</span>
        )}
      </td>
    </tr>
  );
}
