// An error whose message is meant for the person who caused it: the CLI prints
// it, tRPC returns it, a form shows it. Anything else is a bug and is logged.
export class InputError extends Error {
  constructor(
    message: string,
    readonly kind: "invalid" | "conflict" | "not_found" = "invalid",
  ) {
    super(message);
    this.name = "InputError";
  }
}
