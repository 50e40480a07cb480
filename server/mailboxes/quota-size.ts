import { InputError } from "../errors.ts";

const UNITS: Record<string, number> = { "": 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Parses "500MB", "2 GB", "1048576" into bytes; "unlimited" or "none" into null. Units are binary (1 KB = 1024 B). */
export function parseSize(input: string): number | null {
  const text = input.trim().toUpperCase();
  if (text === "UNLIMITED" || text === "NONE") return null;
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|K|M|G|T|KIB|MIB|GIB|TIB)?$/.exec(text);
  if (!match) throw new InputError(`"${input}" is not a size: use e.g. 500MB, 2GB or unlimited`);
  const unit = (match[2] ?? "").replace(/I?B$/, "B").replace(/^([KMGT])$/, "$1B");
  const bytes = Math.round(Number(match[1]) * (UNITS[unit] ?? Number.NaN));
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InputError(`"${input}" is not a usable size`);
  return bytes;
}

export function formatSize(bytes: number | bigint | null): string {
  if (bytes === null) return "unlimited";
  let value = Number(bytes);
  for (const unit of ["B", "KB", "MB", "GB"]) {
    if (value < 1024) return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
    value /= 1024;
  }
  return `${value.toFixed(1)} TB`;
}
