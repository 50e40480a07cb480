// "Edit and resend" of a returned reply: the composer opens with the author's
// held text and recipients instead of a fresh draft. Set right before the
// composer opens for that message; the composer reads it once and clears it.
import type { ComposeMode, Composition } from "../../../../server/compose/compose-input.ts";

/** The part of a held composition the composer starts from (compose-input.ts declares the whole). */
export type ComposerPrefill = Pick<Composition, "messageId" | "mode" | "subject" | "text"> &
  Required<Pick<Composition, "to" | "cc" | "bcc">>;

let prefill: ComposerPrefill | null = null;

export function setComposerPrefill(next: ComposerPrefill | null): void {
  prefill = next;
}

/** The prefill for this composer, if one was set for it. */
export function composerPrefill(messageId: number, mode: ComposeMode): ComposerPrefill | null {
  return prefill && prefill.messageId === messageId && prefill.mode === mode ? prefill : null;
}

/** The composer announces a held send here; the held-replies list shows "Sent for approval". */
export const REPLY_HELD_EVENT = "yubin:reply-held";
