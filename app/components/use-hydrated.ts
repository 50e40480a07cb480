"use client";
// False on the server and while the browser hydrates the server's HTML, true
// from the render after. What only the browser knows (its time zone, its list
// of zones, navigator.language) must wait for it: rendered during hydration,
// it would differ from the server's HTML (React error #418).
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
