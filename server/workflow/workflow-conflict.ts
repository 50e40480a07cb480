// Optimistic concurrency for the workflow: the client sends the value it saw
// (status, assignee, snooze) and the change applies only if that is still
// the value under the row lock. The loser is told what the conversation is
// now, in words, and reloads it; nobody's change is silently overwritten.
import { InputError } from "../errors.ts";
import { statusLabels } from "./status-labels.ts";
import { isSnoozed, type WorkflowState } from "./workflow-state.ts";

export async function describeState(state: WorkflowState): Promise<string> {
  const labels = await statusLabels();
  const parts = [labels[state.status]];
  parts.push(state.assignee ? `assigned to ${state.assignee.name || state.assignee.email}` : "unassigned");
  if (isSnoozed(state) && state.snoozedUntil) parts.push(`snoozed until ${state.snoozedUntil.toISOString()}`);
  return parts.join(", ");
}

export async function conflictError(state: WorkflowState): Promise<InputError> {
  return new InputError(`Changed by someone else: now ${await describeState(state)}`, "conflict");
}

export function notFound(): InputError {
  return new InputError("No such conversation.", "not_found");
}
