import { parseArgs } from "node:util";

export class UsageError extends Error {}

export const usage = `usage:
  yubin start [--roles web,mail,delivery]
  yubin user add EMAIL --password PW [--name NAME] [--admin]
  yubin user invite EMAIL [--name NAME] [--admin]
  yubin user list
  yubin user edit EMAIL [--name NAME] [--role admin|agent]
  yubin user disable|enable|end-sessions EMAIL
  yubin user remove EMAIL [--keep-mailbox | --hand-to EMAIL]
  yubin user reset-password EMAIL --password PW | --link
  yubin domain add DOMAIN
  yubin domain list
  yubin domain show DOMAIN
  yubin domain set DOMAIN [--postmaster ADDRESS|admins] [--dmarc policy|quarantine|off]
  yubin domain check DOMAIN [--json]
  yubin domain dkim-rotate DOMAIN
  yubin domain dkim-remove DOMAIN SELECTOR
  yubin mailbox add ADDRESS [--quota 500MB] [--shared] [--members a@x,b@x] [--name NAME]
  yubin mailbox quota ADDRESS [SIZE] [--messages N|unlimited] [--warn 80,95] [--recalculate] [--json]
  yubin mailbox pop3 ADDRESS [--on-delete keep|delete]
  yubin mailbox members ADDRESS [--add a@x,b@x [--needs-approval] [--reviewer]] [--remove c@x,…]
  yubin mailbox list
  yubin import ADDRESS FILE
  yubin export ADDRESS --out FILE [--format mbox|eml-zip] [--query Q]
  yubin deleted list ADDRESS [--from TEXT] [--subject TEXT] [--since DATE] [--before DATE] [--json]
  yubin deleted restore ADDRESS --message ID[,ID…] | --conversation ID
  yubin deleted retention ADDRESS [DAYS|default]
  yubin deleted purge
  yubin app-password add EMAIL [--mailbox ADDRESS] [--label LABEL]
  yubin app-password list EMAIL
  yubin app-password revoke ID
  yubin connector add ADDRESS imaps://USER@HOST:993 --password-file F [--ca-file F] [--folders INBOX,…] [--since DATE]
                    [--no-certificate-check] [--skip-test]      (imap://… = STARTTLS; "@" in USER as %40)
                    [--mark-seen off|imported|closed] [--move-to FOLDER]
                    [--relay smtp[s]://USER@HOST:PORT --relay-password-file F]
  yubin connector edit|set ID [--url imaps://USER@HOST:993] [--password-file F] [--ca-file F | --no-ca]
                    [--folders INBOX,…] [--since DATE | --no-since] [--certificate-check | --no-certificate-check]
                    [--mark-seen off|imported|closed] [--move-to FOLDER | --no-move]
                    [--relay URL] [--relay-password-file F] [--no-relay]
  yubin connector list [ADDRESS] [--json]
  yubin connector test|pause|resume|remove ID
  yubin status [--json]
  yubin queue [--json] [--all]
  yubin queue retry ID
  yubin queue drop ID
  yubin trace QUERY [--since 2d] [--result delivered|rejected|deferred|bounced|abandoned] [--limit 20] [--json]`;

type OptionSpec = Record<string, { type: "string" | "boolean" }>;

/** Parses a command's arguments strictly: unknown flags and wrong positional counts are usage errors. */
export function parseCommand<T extends OptionSpec>(args: string[], options: T, positionals: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ""));
  }
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.length ? positionals.join(" ") : "no arguments";
    throw new UsageError(
      `expected ${expected}, got ${parsed.positionals.length ? parsed.positionals.join(" ") : "nothing"}`,
    );
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

export function subcommand(area: string, args: string[], verbs: string[]): [string, string[]] {
  const [verb, ...rest] = args;
  if (!verb || !verbs.includes(verb)) {
    throw new UsageError(`"yubin ${area}" needs one of: ${verbs.join(", ")}`);
  }
  return [verb, rest];
}
