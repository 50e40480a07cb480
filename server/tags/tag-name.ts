// Tag names: what a member types, trimmed, 1–40 characters. Uniqueness is
// case-insensitive ("Billing" and "billing" are one tag), the first spelling wins.
import { InputError } from "../errors.ts";
import { MAX_TAG_CHARS } from "../limits.ts";

export function normalizeTagName(raw: string): string {
  const name = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (!name) throw new InputError("a tag needs a name");
  if ([...name].length > MAX_TAG_CHARS) throw new InputError(`a tag name has at most ${MAX_TAG_CHARS} characters`);
  return name;
}
