"use client";
// Saving the reply as a draft while its writer types (server/drafts/): at
// most one request per DRAFT_SAVE_INTERVAL_MS, one at a time, always the
// latest text; a reply emptied back to its start (the quote alone) deletes
// the draft instead. Before a send or a discard the composer stops it and
// waits for a save on its way, so no save lands after the draft is gone. A
// page that goes away (a link, a closed tab) takes its unsaved text along
// with a keepalive request.
import { useEffect, useRef, useState } from "react";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import { DRAFT_SAVE_DELAY_MS, DRAFT_SAVE_INTERVAL_MS } from "../../../../server/drafts/draft-timing.ts";

export interface DraftContent {
  to: string;
  cc: string;
  bcc: string;
  subject: string;
  text: string;
  html: string | null;
  forwardAttachments: number[];
}

export interface DraftTarget {
  conversationId: number;
  messageId: number;
  mode: ComposeMode;
  seenMessageId: number | null;
}

/** Null: no draft (the reply holds nothing of its writer's). */
type Wanted = string | null;

export function useDraftAutosave(
  target: DraftTarget,
  content: DraftContent,
  /** The reply holds something its writer added (else the draft goes). */
  dirty: boolean,
  /** The content of a draft this composer was restored from, which the server has already. */
  restored: DraftContent | null,
) {
  const wanted: Wanted = dirty ? JSON.stringify(content) : null;
  const [saved, setSaved] = useState<Wanted>(restored ? JSON.stringify(restored) : null);
  const state = useRef({
    wanted,
    saved: restored ? (JSON.stringify(restored) as Wanted) : null,
    timer: null as ReturnType<typeof setTimeout> | null,
    inFlight: null as Promise<void> | null,
    lastStart: 0,
    stopped: false,
  });
  const targetRef = useRef(target);
  targetRef.current = target;

  const request = (key: Wanted, keepalive = false) => {
    const { conversationId, messageId, mode, seenMessageId } = targetRef.current;
    const body =
      key === null
        ? { conversationId }
        : { conversationId, messageId, mode, seenMessageId, ...(JSON.parse(key) as DraftContent) };
    return fetch(`/api/trpc/drafts.${key === null ? "discard" : "save"}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      keepalive,
    }).then((response) => response.ok);
  };

  const schedule = () => {
    const s = state.current;
    if (s.stopped || s.inFlight || s.timer || s.wanted === s.saved) return;
    const wait = Math.max(DRAFT_SAVE_DELAY_MS, s.lastStart + DRAFT_SAVE_INTERVAL_MS - Date.now());
    s.timer = setTimeout(run, wait);
  };

  const run = () => {
    const s = state.current;
    s.timer = null;
    if (s.stopped || s.wanted === s.saved) return;
    const key = s.wanted;
    s.lastStart = Date.now();
    s.inFlight = request(key)
      .then((ok) => {
        if (!ok) return;
        s.saved = key;
        setSaved(key);
      })
      .catch(() => {}) // offline: the next change (or the page leaving) tries again
      .finally(() => {
        s.inFlight = null;
        schedule();
      });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: schedule reads the latest state from the ref
  useEffect(() => {
    state.current.wanted = wanted;
    schedule();
  }, [wanted]);

  // Leaving: a closed tab or a navigation that unmounts the composer takes the unsaved text along.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once; reads the ref
  useEffect(() => {
    const leave = () => {
      const s = state.current;
      if (s.stopped || s.wanted === s.saved) return;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      s.saved = s.wanted;
      void request(s.wanted, true).catch(() => {});
    };
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      leave();
    };
  }, []);

  return {
    /** What the server holds is what the composer shows. */
    upToDate: wanted !== null && saved === wanted,
    /** Stops saving (a send or a discard is next) once a save on its way has landed. */
    stop: async () => {
      const s = state.current;
      s.stopped = true;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      await s.inFlight;
    },
    /** Saves again (the send failed: the text is still the writer's). */
    resume: () => {
      state.current.stopped = false;
      schedule();
    },
    /** Deletes the draft (Discard). */
    discard: async () => {
      const s = state.current;
      s.stopped = true;
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      await s.inFlight;
      if (s.saved !== null) await request(null).catch(() => false);
      s.saved = null;
    },
  };
}
