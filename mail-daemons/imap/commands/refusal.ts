// A backend refusal as the tagged NO the client sees, with its response
// code (RFC 5530; TRYCREATE RFC 9051 §7.1; OVERQUOTA RFC 9208 §4.3; TOOBIG
// RFC 7889 §4).
import type { Refusal } from "../backend.ts";
import type { CommandResult } from "./command.ts";

export function refused(refusal: { code: Refusal; text: string }): CommandResult {
  return { status: "NO", code: refusal.code, text: refusal.text };
}
