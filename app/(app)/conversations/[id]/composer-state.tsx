"use client";
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from "react";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";
import type { SavedDraft } from "../../../../server/drafts/drafts.ts";

// Which message has the composer open, and how (one composer at a time, so a
// half-written reply is never hidden behind another). A page that comes with
// the reader's draft (server/drafts/) opens the composer on it at once.
export type OpenComposer = { messageId: number; mode: ComposeMode } | null;

export type RestoredDraft = Omit<SavedDraft, "updatedAt">;

/** Where a sent reply goes on to, when its writer chose "go to the next conversation" (Settings). */
export interface AfterSend {
  goToNext: boolean;
  conversationId: number;
  /** The list to go back to when this tab remembers none (next-conversation.ts). */
  fallbackHref: string;
  /** Shown in the inbox's reading pane: the next one opens there too. */
  pane: boolean;
}

interface ComposerContextValue {
  open: OpenComposer;
  afterSend: AfterSend | null;
  setOpen: (open: OpenComposer) => void;
  /** The draft the page came with, for the composer it opened, until that composer is done with it. */
  restoredDraft: (messageId: number, mode: ComposeMode) => RestoredDraft | null;
  forgetRestoredDraft: () => void;
}

const ComposerContext = createContext<ComposerContextValue>({
  open: null,
  afterSend: null,
  setOpen: () => {},
  restoredDraft: () => null,
  forgetRestoredDraft: () => {},
});

export function ComposerState({
  children,
  draft = null,
  afterSend = null,
}: {
  children: ReactNode;
  draft?: RestoredDraft | null;
  afterSend?: AfterSend | null;
}) {
  const [open, setOpen] = useState<OpenComposer>(draft ? { messageId: draft.messageId, mode: draft.mode } : null);
  const restored = useRef(draft);
  const restoredDraft = useCallback((messageId: number, mode: ComposeMode) => {
    const found = restored.current;
    return found && found.messageId === messageId && found.mode === mode ? found : null;
  }, []);
  const forgetRestoredDraft = useCallback(() => {
    restored.current = null;
  }, []);
  return (
    <ComposerContext value={{ open, setOpen, afterSend, restoredDraft, forgetRestoredDraft }}>
      {children}
    </ComposerContext>
  );
}

export function useComposer() {
  return useContext(ComposerContext);
}
