"use client";
// Sending the reply: one send at a time, the stale-send guard's second click
// ("Send anyway"), and what follows a send (the composer closes, the copy and
// its delivery state show, a held reply is announced).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import { nextConversationHref } from "../../../components/next-conversation.ts";
import { useTRPC } from "../../../trpc/client.ts";
import { REPLY_HELD_EVENT } from "./composer-prefill.ts";
import { useComposer } from "./composer-state.tsx";
import { readAttachments } from "./use-reply-attachments.ts";

export interface ReplyContent {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  html: string | undefined;
  forwardAttachments: number[];
}

export function useSendReply(target: {
  messageId: number;
  mode: ComposeMode;
  /** The conversation's newest message id when the composer opened; later messages hold the send. */
  seenMessageId?: number;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { setOpen, afterSend } = useComposer();
  const send = useMutation(trpc.conversations.send.mutationOptions());
  // Set synchronously on the first click, before React re-renders the disabled button.
  const sending = useRef(false);
  const [reading, setReading] = useState(false);
  // Set when the server held the send for new activity: the next click sends anyway.
  const [held, setHeld] = useState(false);

  /**
   * Sends unless a send is under way or `validate` (which shows the field errors) says no.
   * A file that cannot be read goes to `onUnreadable` and nothing is sent.
   */
  async function sendReply(reply: {
    validate: () => boolean;
    /** "Send and close" / "Send and set pending". */
    thenStatus?: "closed" | "pending";
    /** Runs (and is awaited) once validation passed, before anything is sent. */
    beforeSend?: () => Promise<void>;
    /** The send did not happen (refused, held for new activity, a file unreadable). */
    onFailed?: () => void;
    content: ReplyContent;
    files: { file: File }[];
    onUnreadable: (message: string) => void;
  }): Promise<void> {
    if (sending.current) return;
    if (!reply.validate()) return;
    sending.current = true;
    send.reset();
    setReading(reply.files.length > 0);
    let sentOk = false;
    try {
      await reply.beforeSend?.();
      let attachments: Awaited<ReturnType<typeof readAttachments>>;
      try {
        attachments = await readAttachments(reply.files);
      } catch (e) {
        reply.onUnreadable((e as Error).message);
        return;
      } finally {
        setReading(false);
      }
      const sent = await send
        .mutateAsync({
          messageId: target.messageId,
          mode: target.mode,
          ...reply.content,
          attachments,
          seenMessageId: target.seenMessageId,
          confirmNewActivity: held,
          thenStatus: reply.thenStatus,
        })
        .catch((e: unknown) => {
          // Stale-send guard: show the new activity; the next click is "Send anyway".
          if ((e as { data?: { code?: string } }).data?.code === "CONFLICT") {
            setHeld(true);
            router.refresh();
          }
          return null; // shown from send.error
        });
      if (!sent) return;
      sentOk = true;
      setOpen(null);
      // Done here: on to the next conversation, if its writer asked for that (Settings).
      if (afterSend?.goToNext) {
        router.push(nextConversationHref(afterSend.conversationId, afterSend.fallbackHref, afterSend.pane), {
          scroll: !afterSend.pane,
        });
        return;
      }
      // Approval: nothing left; the held reply shows below with "Sent for approval".
      if (sent.held) window.dispatchEvent(new Event(REPLY_HELD_EVENT));
      // The copy is already in the conversation: show it, and start watching its delivery.
      router.refresh();
      await queryClient.invalidateQueries({ queryKey: trpc.conversations.delivery.queryKey() });
    } finally {
      sending.current = false;
      if (!sentOk) reply.onFailed?.();
    }
  }

  return {
    sendReply,
    /** Reading files or waiting for the server. */
    pending: send.isPending || reading,
    error: send.error,
    /** The last send was held for new activity: the button says "Send anyway". */
    held,
  };
}
