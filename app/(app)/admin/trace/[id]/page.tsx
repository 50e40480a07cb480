import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { serverCaller } from "../../../../../server/api/server-caller.ts";
import { getT } from "../../../../i18n/server.ts";
import { Panel } from "../../panel.tsx";
import { requireAdmin } from "../../require-admin.ts";
import { BADGE, KIND_LABELS, RESULT_LABELS, RESULT_STYLES } from "../trace-labels.ts";
import { TraceTime } from "../trace-time.tsx";
import { StoryTimeline } from "./story-timeline.tsx";

type Params = Promise<{ id: string }>;

async function load(idText: string) {
  const id = /^\d{1,15}$/.test(idText) ? Number(idText) : 0;
  if (id < 1) return null;
  const caller = await serverCaller();
  try {
    return await caller.trace.story({ id });
  } catch (e) {
    if (e instanceof TRPCError && e.code === "NOT_FOUND") return null;
    throw e;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const t = await getT();
  const story = await load((await params).id);
  return {
    title: story ? `${t("trace.title")}: ${story.trace.subject || t("common.noSubject")}` : t("common.notFound"),
  };
}

/** One trace: what happened, step by step, with the facts and the exact SMTP exchange. */
export default async function TraceStoryPage({ params }: { params: Params }) {
  await requireAdmin();
  const t = await getT();
  const story = await load((await params).id);
  if (!story) notFound();
  const { trace } = story;
  const iso = (d: Date | string) => new Date(d).toISOString();
  const facts: [string, string | null][] = [
    [t("trace.field.session"), trace.sessionId],
    [
      t("trace.field.client"),
      trace.clientAddress
        ? trace.clientName
          ? `${trace.clientName} [${trace.clientAddress}]`
          : trace.clientAddress
        : null,
    ],
    [t("trace.field.helo"), trace.helo],
    [t("trace.field.tls"), trace.tlsVersion ? `${trace.tlsVersion} ${trace.tlsCipher ?? ""}`.trim() : t("trace.noTls")],
    [t("trace.field.auth"), trace.authUser],
    [t("trace.field.from"), trace.mailFrom === null ? null : trace.mailFrom === "" ? "<>" : trace.mailFrom],
    [t("trace.field.to"), trace.recipients.join(", ") || null],
    [t("trace.field.size"), trace.size === null ? null : t("trace.bytes", { size: trace.size })],
    [t("trace.field.messageId"), trace.messageIdHeader],
    [t("trace.field.subject"), trace.subject],
    [t("trace.field.reply"), trace.replyText],
    [
      t("trace.field.remote"),
      trace.remoteHost || trace.remoteAddress ? `${trace.remoteHost ?? ""} [${trace.remoteAddress ?? "?"}]` : null,
    ],
    [t("trace.field.attempt"), trace.attempt === null ? null : String(trace.attempt)],
    [t("trace.field.dsn"), trace.dsnMessageId],
  ];
  return (
    <div className="grid grid-cols-1 gap-6">
      <nav aria-label={t("conv.breadcrumb")} className="text-sm">
        <Link href="/admin/trace" className="text-slate-500 hover:text-slate-900">
          <span aria-hidden="true">← </span>
          {t("trace.back")}
        </Link>
      </nav>
      <header className="flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold tracking-tight break-words">{trace.subject || t("common.noSubject")}</h2>
        <span className={`${BADGE} bg-stone-100 text-slate-700 ring-stone-200`}>
          {t(KIND_LABELS[trace.kind] ?? "trace.kind.mx")}
        </span>
        <span className={`${BADGE} ${RESULT_STYLES[trace.result] ?? ""}`} data-testid="trace-result">
          {t(RESULT_LABELS[trace.result] ?? "trace.result.abandoned")}
        </span>
        <span className="text-sm text-slate-500">
          <TraceTime iso={iso(trace.startedAt)} />
        </span>
      </header>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <Panel id="trace-story" title={t("trace.storyTitle")}>
          <StoryTimeline
            entries={story.entries.map((e) => ({ ...e, at: iso(e.at), time: e.time ? iso(e.time) : undefined }))}
            conversations={story.conversations.map((c) => ({ id: c.id, canOpen: c.canOpen }))}
          />
        </Panel>
        <div className="grid content-start gap-6">
          <Panel id="trace-facts" title={t("trace.facts")}>
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm">
              {facts
                .filter(([, value]) => value !== null && value !== "")
                .map(([label, value]) => (
                  <div key={label} className="contents">
                    <dt className="text-slate-500">{label}</dt>
                    <dd className="break-all text-slate-800">{value}</dd>
                  </div>
                ))}
              {trace.nextAttemptAt ? (
                <div className="contents">
                  <dt className="text-slate-500">{t("trace.field.nextAttempt")}</dt>
                  <dd className="text-slate-800">
                    <TraceTime iso={iso(trace.nextAttemptAt)} />
                  </dd>
                </div>
              ) : null}
            </dl>
          </Panel>
          {story.queue.length > 0 ? (
            <Panel id="trace-queue" title={t("trace.queue")}>
              <ul className="space-y-2 text-sm text-slate-700">
                {story.queue.map((job) => (
                  <li key={job.id}>
                    {t("trace.queueJob", { id: job.id, domain: job.domain, state: job.state, attempts: job.attempts })}
                    {job.state === "queued" || job.state === "deferred" ? (
                      <span className="block text-xs text-slate-500">
                        {t("trace.queueNext", { next: "" })}
                        <TraceTime iso={iso(job.nextAttemptAt)} />
                      </span>
                    ) : null}
                    {job.lastReply ? <code className="mt-0.5 block text-xs break-all">{job.lastReply}</code> : null}
                  </li>
                ))}
              </ul>
            </Panel>
          ) : null}
          {story.related.length > 0 ? (
            <Panel id="trace-related" title={t("trace.related")}>
              <ul className="space-y-2 text-sm">
                {story.related.map((r) => (
                  <li key={r.id} className="flex flex-wrap items-center gap-2">
                    <Link href={`/admin/trace/${r.id}`} className="text-slate-800 underline underline-offset-2">
                      <TraceTime iso={iso(r.startedAt)} />
                    </Link>
                    <span className="text-slate-600">{t(KIND_LABELS[r.kind] ?? "trace.kind.mx")}</span>
                    <span className={`${BADGE} ${RESULT_STYLES[r.result] ?? ""}`}>
                      {t(RESULT_LABELS[r.result] ?? "trace.result.abandoned")}
                    </span>
                  </li>
                ))}
              </ul>
            </Panel>
          ) : null}
        </div>
      </div>
      {trace.steps.length > 0 ? (
        <Panel id="trace-exchange" title={t("trace.exchange")}>
          <ol className="space-y-0.5 font-mono text-xs text-slate-700">
            {trace.steps.map((step, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the exchange is fixed; its order is its identity.
              <li key={i}>
                {step.command !== undefined ? <div className="break-all text-slate-900">C: {step.command}</div> : null}
                {step.reply !== undefined ? <div className="break-all">S: {step.reply}</div> : null}
              </li>
            ))}
          </ol>
          {trace.droppedSteps > 0 ? (
            <p className="mt-2 text-xs text-slate-500">{t("trace.exchangeDropped", { count: trace.droppedSteps })}</p>
          ) : null}
        </Panel>
      ) : null}
    </div>
  );
}
