"use client";
// Deleted mail, found and restored: a member's "Recently deleted" (their
// mailboxes; recovery.recentlyDeleted / recovery.restore) and the admin's
// recovery page (every mailbox; recovery.admin.*). The same table for both.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useState } from "react";
import { useT } from "../i18n/client.tsx";
import type { MessageKey } from "../i18n/translate.ts";
import { useTRPC } from "../trpc/client.ts";
import { ErrorText } from "./error-text.tsx";
import { LocalTime } from "./local-time.tsx";

interface Mailbox {
  id: number;
  address: string;
}

interface Filter {
  mailboxId?: number;
  from?: string;
  subject?: string;
  since?: string;
  before?: string;
}

/** A row as it arrives over HTTP: dates are ISO strings there, Dates in a server render. */
interface Item {
  messageId: number;
  mailbox: Mailbox;
  subject: string;
  fromAddress: string;
  fromName: string;
  internalDate: Date | string;
  deletedAt: Date | string;
  deletedBy: string | null;
  deletedVia: string | null;
  conversationId: number | null;
  purgeAt: Date | string;
}

interface Page {
  items: Item[];
  nextCursor: unknown;
}

type Restore = (input: { mailboxId: number; messageIds?: number[]; deletedConversationId?: number }) => void;

const CONTROL =
  "rounded-md border border-stone-300 bg-white px-2 py-1 text-sm text-slate-800 focus:border-slate-500 focus:ring-2 focus:ring-slate-200 focus:outline-none";
const BUTTON =
  "rounded-md border border-stone-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-stone-50 focus-visible:ring-2 focus-visible:ring-slate-400 focus-visible:outline-none disabled:opacity-60";
const VIA: Record<string, MessageKey> = {
  web: "recovery.via.web",
  imap: "recovery.via.imap",
  pop3: "recovery.via.pop3",
  cli: "recovery.via.cli",
  connector: "recovery.via.connector",
};

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/** A member's mailboxes. */
export function RecentlyDeleted({ mailboxes }: { mailboxes: Mailbox[] }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const list = useInfiniteQuery(
    trpc.recovery.recentlyDeleted.infiniteQueryOptions(filter, { getNextPageParam: (last) => last.nextCursor }),
  );
  const restore = useMutation(trpc.recovery.restore.mutationOptions());
  return (
    <DeletedMail
      mailboxes={mailboxes}
      onFilter={setFilter}
      pages={list.data?.pages as Page[] | undefined}
      loading={list.isLoading}
      error={list.error}
      more={list.hasNextPage ? () => list.fetchNextPage() : null}
      restore={restore}
    />
  );
}

/** Every mailbox, for an admin. */
export function AdminDeletedMail({ mailboxes }: { mailboxes: Mailbox[] }) {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const list = useInfiniteQuery(
    trpc.recovery.admin.search.infiniteQueryOptions(filter, { getNextPageParam: (last) => last.nextCursor }),
  );
  const restore = useMutation(trpc.recovery.admin.restore.mutationOptions());
  return (
    <DeletedMail
      mailboxes={mailboxes}
      onFilter={setFilter}
      pages={list.data?.pages as Page[] | undefined}
      loading={list.isLoading}
      error={list.error}
      more={list.hasNextPage ? () => list.fetchNextPage() : null}
      restore={restore}
    />
  );
}

function DeletedMail(props: {
  mailboxes: Mailbox[];
  onFilter: (filter: Filter) => void;
  pages: Page[] | undefined;
  loading: boolean;
  error: { message: string } | null;
  more: (() => void) | null;
  restore: {
    mutate: (
      input: Parameters<Restore>[0],
      options: { onSuccess: (result: { restoredMessageIds: number[]; restoredConversationIds: number[] }) => void },
    ) => void;
    isPending: boolean;
    error: { message: string } | null;
  };
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const ids = useId();
  const [done, setDone] = useState<{ count: number; conversationId: number | null } | null>(null);
  const items = props.pages?.flatMap((p) => p.items) ?? [];

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const mailbox = text("mailbox");
    props.onFilter({
      mailboxId: mailbox === undefined ? undefined : Number(mailbox),
      from: text("from"),
      subject: text("subject"),
      since: text("since"),
      before: text("before"),
    });
  };

  const restore = (item: Item, whole: boolean) =>
    props.restore.mutate(
      whole && item.conversationId !== null
        ? { mailboxId: item.mailbox.id, deletedConversationId: item.conversationId }
        : { mailboxId: item.mailbox.id, messageIds: [item.messageId] },
      {
        onSuccess: (result) => {
          setDone({ count: result.restoredMessageIds.length, conversationId: item.conversationId });
          queryClient.invalidateQueries().catch(() => {});
        },
      },
    );

  return (
    <div>
      <form onSubmit={submit} aria-label={t("recovery.filters")} className="flex flex-wrap items-end gap-3">
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-mailbox`}>
          {t("recovery.colMailbox")}
          <select id={`${ids}-mailbox`} name="mailbox" className={CONTROL} defaultValue="">
            <option value="">{t("recovery.allMailboxes")}</option>
            {props.mailboxes.map((m) => (
              <option key={m.id} value={m.id}>
                {m.address}
              </option>
            ))}
          </select>
        </label>
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-from`}>
          {t("recovery.filterFrom")}
          <input id={`${ids}-from`} name="from" className={CONTROL} maxLength={320} />
        </label>
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-subject`}>
          {t("recovery.filterSubject")}
          <input id={`${ids}-subject`} name="subject" className={CONTROL} maxLength={500} />
        </label>
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-since`}>
          {t("recovery.filterSince")}
          <input id={`${ids}-since`} name="since" type="date" className={CONTROL} />
        </label>
        <label className="grid gap-1 text-xs text-slate-600" htmlFor={`${ids}-before`}>
          {t("recovery.filterBefore")}
          <input id={`${ids}-before`} name="before" type="date" className={CONTROL} />
        </label>
        <button type="submit" className={BUTTON}>
          {t("recovery.search")}
        </button>
      </form>

      <div className="mt-4 min-h-6 text-sm" aria-live="polite">
        {props.restore.error ? (
          <p role="alert" className="text-rose-700">
            <ErrorText error={props.restore.error} />
          </p>
        ) : done ? (
          <p role="status" className="text-emerald-700">
            {done.count === 1 ? t("recovery.restoredOne") : t("recovery.restoredMany", { count: done.count })}{" "}
            {done.conversationId !== null ? (
              <Link href={`/conversations/${done.conversationId}`} className="underline">
                {t("recovery.openConversation")}
              </Link>
            ) : null}
          </p>
        ) : null}
      </div>

      {props.error ? (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          <ErrorText error={props.error} />
        </p>
      ) : props.loading ? null : items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-500">{t("recovery.empty")}</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{t("recovery.deletedMail")}</caption>
            <thead className="text-xs text-slate-500">
              <tr>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colSubject")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colFrom")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colMailbox")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colReceived")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colDeleted")}
                </th>
                <th scope="col" className="py-2 pr-3 font-medium">
                  {t("recovery.colPurge")}
                </th>
                <th scope="col" className="py-2 font-medium">
                  <span className="sr-only">{t("recovery.colActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {items.map((item) => {
                const subject = item.subject || t("common.noSubject");
                return (
                  <tr key={item.messageId} data-testid="deleted-mail-row">
                    <td className="py-2 pr-3 font-medium break-words text-slate-900">{subject}</td>
                    <td className="py-2 pr-3 break-all text-slate-600">{item.fromName || item.fromAddress}</td>
                    <td className="py-2 pr-3 break-all text-slate-600">{item.mailbox.address}</td>
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={iso(item.internalDate)} />
                    </td>
                    <td className="py-2 pr-3 text-slate-600">
                      <LocalTime iso={iso(item.deletedAt)} />
                      <span className="block text-xs text-slate-500">
                        {item.deletedBy ? t("recovery.deletedBy", { name: item.deletedBy }) : null}{" "}
                        {item.deletedVia && VIA[item.deletedVia] ? t(VIA[item.deletedVia] as MessageKey) : null}
                      </span>
                    </td>
                    <td className="py-2 pr-3 whitespace-nowrap text-slate-600">
                      <LocalTime iso={iso(item.purgeAt)} />
                    </td>
                    <td className="py-2">
                      <div className="flex flex-wrap justify-end gap-2">
                        <button
                          type="button"
                          className={BUTTON}
                          disabled={props.restore.isPending}
                          aria-label={t("recovery.restoreOf", { subject })}
                          onClick={() => restore(item, false)}
                        >
                          {t("recovery.restore")}
                        </button>
                        {item.conversationId !== null ? (
                          <button
                            type="button"
                            className={BUTTON}
                            disabled={props.restore.isPending}
                            aria-label={t("recovery.restoreConversationOf", { subject })}
                            onClick={() => restore(item, true)}
                          >
                            {t("recovery.restoreConversation")}
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {props.more ? (
            <button type="button" className={`${BUTTON} mt-3`} onClick={props.more}>
              {t("recovery.loadMore")}
            </button>
          ) : null}
        </div>
      )}
    </div>
  );
}
