// Placeholders of saved replies, filled when a member inserts one into the
// composer. Pure (no database) so the browser can show the list of names.
export const PLACEHOLDERS = ["customer.name", "customer.email", "agent.name", "mailbox.name"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** Replaces {{name}} (spaces inside the braces allowed); unknown names stay as typed so a typo shows. */
export function fillPlaceholders(body: string, values: Record<Placeholder, string>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi, (whole, name: string) => {
    const key = name.toLowerCase() as Placeholder;
    return PLACEHOLDERS.includes(key) ? values[key] : whole;
  });
}
