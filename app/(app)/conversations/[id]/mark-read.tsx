"use client";
import { useMutation } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../../../trpc/client.ts";

/**
 * Opening a conversation reads it (its messages become \Seen, for IMAP too).
 * Sent from the browser once the page is shown: server components only read
 * (server/api/server-caller.ts refuses mutations), so the page cannot do it
 * while rendering — and a prefetch or a crawler marks nothing.
 */
export function MarkRead({ conversationId }: { conversationId: number }) {
  const trpc = useTRPC();
  const { mutate } = useMutation(trpc.conversations.markRead.mutationOptions());
  useEffect(() => {
    mutate({ conversationId });
  }, [conversationId, mutate]);
  return null;
}
