"use client";
import { createContext, type ReactNode, useContext, useState } from "react";
import type { ComposeMode } from "../../../../server/compose/compose-input.ts";

// Which message has the composer open, and how (one composer at a time, so a
// half-written reply is never hidden behind another).
export type OpenComposer = { messageId: number; mode: ComposeMode } | null;

const ComposerContext = createContext<{ open: OpenComposer; setOpen: (open: OpenComposer) => void }>({
  open: null,
  setOpen: () => {},
});

export function ComposerState({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<OpenComposer>(null);
  return <ComposerContext value={{ open, setOpen }}>{children}</ComposerContext>;
}

export function useComposer() {
  return useContext(ComposerContext);
}
