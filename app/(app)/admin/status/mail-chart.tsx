"use client";
// Mail received and sent per hour over the last day as a small bar chart:
// an SVG drawn from the counts (no chart library), announced to screen
// readers by a one-line summary, with the same numbers as a table for anyone
// who wants them exactly. Hours are labelled in the reader's time zone once
// the page runs in the browser (UTC before, as LocalTime does).
import { useId, useSyncExternalStore } from "react";
import { useI18n } from "../../../i18n/client.tsx";

interface Hour {
  hour: string;
  received: number;
  sent: number;
}

const subscribe = () => () => {};
const WIDTH = 720;
const HEIGHT = 160;
const AXIS = 20;
const BAR_GAP = 2;

function useHourLabel(): (iso: string) => string {
  const { locale, timeZone } = useI18n();
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const format = new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: inBrowser ? (timeZone ?? undefined) : "UTC",
  });
  return (iso) => format.format(new Date(iso));
}

export function MailChart({ hours }: { hours: Hour[] }) {
  const { t } = useI18n();
  const label = useHourLabel();
  const ids = useId();
  const max = Math.max(1, ...hours.map((h) => Math.max(h.received, h.sent)));
  const slot = WIDTH / Math.max(1, hours.length);
  const barWidth = (slot - BAR_GAP * 3) / 2;
  const scale = (n: number) => (n / max) * (HEIGHT - AXIS - 4);
  const total = (key: "received" | "sent") => hours.reduce((sum, h) => sum + h[key], 0);
  const summary = t("serverStatus.chartSummary", {
    received: total("received"),
    sent: total("sent"),
    max: Math.max(0, ...hours.map((h) => Math.max(h.received, h.sent))),
  });
  return (
    <figure>
      <div className="mb-2 flex gap-4 text-xs text-slate-600" aria-hidden="true">
        <span className="flex items-center gap-1">
          <span className="inline-block h-2.5 w-2.5 rounded-sm bg-sky-600" />
          {t("serverStatus.received")}
        </span>
        <span className="flex items-center gap-1">
          <span className="inline-block h-2.5 w-2.5 rounded-sm bg-amber-500" />
          {t("serverStatus.sent")}
        </span>
      </div>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-labelledby={`${ids}-summary`}
        data-testid="mail-chart"
      >
        <title>{summary}</title>
        {hours.map((h, i) => {
          const x = i * slot + BAR_GAP;
          const base = HEIGHT - AXIS;
          return (
            <g key={h.hour}>
              <title>
                {`${label(h.hour)} — ${t("serverStatus.received")}: ${h.received}, ${t("serverStatus.sent")}: ${h.sent}`}
              </title>
              <rect
                x={x}
                y={base - scale(h.received)}
                width={barWidth}
                height={scale(h.received)}
                className="fill-sky-600"
              />
              <rect
                x={x + barWidth + BAR_GAP}
                y={base - scale(h.sent)}
                width={barWidth}
                height={scale(h.sent)}
                className="fill-amber-500"
              />
              {i % 3 === 0 ? (
                <text x={x} y={HEIGHT - 5} className="fill-slate-500 text-[11px]">
                  {label(h.hour)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="stroke-stone-300" />
      </svg>
      <figcaption id={`${ids}-summary`} className="mt-2 text-sm text-slate-700">
        {summary}
      </figcaption>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600">{t("serverStatus.showTable")}</summary>
        <table className="mt-2 text-left text-sm" data-testid="mail-table">
          <caption className="sr-only">{t("serverStatus.mailPerHour")}</caption>
          <thead className="text-xs text-slate-500">
            <tr>
              <th scope="col" className="py-1 pr-4 font-medium">
                {t("serverStatus.hour")}
              </th>
              <th scope="col" className="py-1 pr-4 text-right font-medium">
                {t("serverStatus.received")}
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                {t("serverStatus.sent")}
              </th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <th scope="row" className="py-0.5 pr-4 text-left font-normal tabular-nums">
                  {label(h.hour)}
                </th>
                <td className="py-0.5 pr-4 text-right tabular-nums">{h.received}</td>
                <td className="py-0.5 text-right tabular-nums">{h.sent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
