"use client";
// Switches that answer at once: a click shows the new state immediately and
// the save follows. Saves of one switch go one at a time, in order, and a
// switch clicked again while its save is on the way sends its latest state
// once that save is done, so two quick clicks end where the second left it,
// on screen and in the database. The page is refreshed once nothing is on
// the way; the shown state yields to the page's once the two agree. A failed
// save puts back what the page says and reports the error.
import { useEffect, useRef, useState } from "react";

export function useSwitchSaves<Key extends string>(options: {
  /** What the page (the server) says each switch is. */
  current: (key: Key) => boolean;
  save: (key: Key, on: boolean) => Promise<unknown>;
  /** Everything is saved: reload what the page shows. */
  onSettled: () => void;
  onError: (error: unknown) => void;
}) {
  const [wanted, setWanted] = useState<Partial<Record<Key, boolean>>>({});
  const saving = useRef(new Set<Key>());
  const latest = useRef(new Map<Key, boolean>());
  const opts = useRef(options);
  opts.current = options;

  // The page caught up (a refresh): a settled switch that agrees with it needs no override.
  useEffect(() => {
    setWanted((shown) => {
      const kept = (Object.entries(shown) as [Key, boolean][]).filter(
        ([key, on]) => saving.current.has(key) || opts.current.current(key) !== on,
      );
      return kept.length === Object.keys(shown).length
        ? shown
        : (Object.fromEntries(kept) as Partial<Record<Key, boolean>>);
    });
  });

  async function pump(key: Key) {
    saving.current.add(key);
    try {
      // Each round sends the latest state; one more if a click came meanwhile.
      let sent: boolean | undefined;
      for (let on = latest.current.get(key); on !== undefined && on !== sent; on = latest.current.get(key)) {
        await opts.current.save(key, on);
        sent = on;
      }
    } catch (error) {
      latest.current.delete(key);
      setWanted((shown) => {
        const { [key]: _, ...rest } = shown;
        return rest as Partial<Record<Key, boolean>>;
      });
      opts.current.onError(error);
    } finally {
      saving.current.delete(key);
      if (saving.current.size === 0) opts.current.onSettled();
    }
  }

  return {
    isOn: (key: Key) => wanted[key] ?? options.current(key),
    toggle: (key: Key, on: boolean) => {
      latest.current.set(key, on);
      setWanted((shown) => ({ ...shown, [key]: on }));
      if (!saving.current.has(key)) void pump(key);
    },
  };
}
