import type { Metadata } from "next";
import { serverCaller } from "../../../server/api/server-caller.ts";
import { SignatureForm } from "../../components/signature-form.tsx";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const signature = await (await serverCaller()).collaboration.signatures.mine();
  return (
    <div className="mx-auto max-w-3xl">
      <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
      <section
        aria-labelledby="signature-heading"
        className="mt-6 rounded-xl border border-stone-200 bg-white p-5 shadow-sm"
      >
        <h2 id="signature-heading" className="text-sm font-semibold text-slate-700">
          Your signature
        </h2>
        <p className="mt-1 text-sm text-slate-500">
          Added below your replies, after the mailbox&apos;s own signature and a &ldquo;-- &rdquo; line.
        </p>
        <div className="mt-4">
          <SignatureForm target={{ kind: "user" }} initial={signature} label="Your signature" />
        </div>
      </section>
    </div>
  );
}
