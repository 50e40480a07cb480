// A role is a part of Yubin that one process may run (DESIGN.md "Processes").
export type RoleName = "web" | "mail" | "delivery";

export interface RunningRole {
  name: RoleName;
  /** Port numbers this role listens on, by listener name (for `yubin status` and the ready banner). */
  listeners: Record<string, number>;
  /** Lines for the ready banner, e.g. "web: http://localhost:3000". */
  banner: string[];
  healthy(): Promise<boolean>;
  stop(): Promise<void>;
}
