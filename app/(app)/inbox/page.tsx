import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";

export const metadata: Metadata = { title: "Inbox" };

export default async function InboxPage() {
  const { mailboxes } = await (await serverCaller()).me.get();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Inbox</h1>
      {mailboxes.length === 0 ? (
        <div className="mt-8 rounded-xl border border-dashed border-stone-300 bg-white px-6 py-10 text-center">
          <p className="font-medium">You are not a member of any mailbox yet.</p>
          <p className="mt-1 text-sm text-slate-500">An admin can add you to a shared mailbox such as support@.</p>
        </div>
      ) : (
        <ul className="mt-6 space-y-4">
          {mailboxes.map((mailbox) => (
            <li key={mailbox.id}>
              <section
                aria-labelledby={`mailbox-${mailbox.id}`}
                className="rounded-xl border border-stone-200 bg-white shadow-sm"
              >
                <header className="flex items-center justify-between border-b border-stone-100 px-5 py-3">
                  <h2 id={`mailbox-${mailbox.id}`} className="font-medium">
                    {mailbox.displayName}
                    <span className="ml-2 text-sm font-normal text-slate-500">{mailbox.address}</span>
                  </h2>
                  <span className="rounded-full bg-stone-100 px-2 py-0.5 text-xs text-slate-600">
                    {mailbox.kind === "shared" ? "Shared" : "Personal"}
                  </span>
                </header>
                <p className="px-5 py-8 text-center text-sm text-slate-500">
                  {`No conversations yet — mail sent to ${mailbox.address} will appear here.`}
                </p>
              </section>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
