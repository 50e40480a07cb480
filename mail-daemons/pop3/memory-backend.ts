// A complete Pop3Backend in memory, for transcript and interop tests and for
// trying the protocol core without a database. It behaves as the real
// adapter must: per-login deletion policy (delete = expunge, keep = hide from
// this login's later sessions), one lock per maildrop and login, stable
// UIDLs from UIDVALIDITY and UID, throttling after failed logins, an
// optional login delay, and all-or-nothing commits. `faults` lets a test
// make any step fail to see the response codes.
import type {
  LoginVerdict,
  Maildrop,
  MaildropMessage,
  OpenVerdict,
  Pop3Backend,
  Pop3Principal,
  ServerPolicy,
} from "./backend.ts";
import { encodedSize } from "./message-encoder.ts";

export type DeletePolicy = "keep" | "delete";

export interface MemoryPrincipal extends Pop3Principal {
  mailbox: string;
}

interface StoredMessage {
  uid: number;
  raw: Buffer;
}

interface Mailbox {
  uidValidity: number;
  uidNext: number;
  onDelete: DeletePolicy;
  messages: StoredMessage[];
  /** keep policy: UIDLs each login has "deleted", hidden from its later sessions. */
  hidden: Map<string, Set<string>>;
}

export interface MemoryBackendOptions {
  /** Failed logins per account and address before "throttled". */
  maxFailedLogins?: number;
  /** RFC 2449 §6.5: enforced per login when set. */
  loginDelaySeconds?: number | null;
  /** retrieve() yields the message in chunks of this size, to exercise chunk boundaries. */
  chunkOctets?: number;
  now?: () => number;
}

export interface MemoryFaults {
  login?: "temporary-failure";
  open?: "temporary-failure" | "permanent-failure";
  retrieve?: boolean;
  commit?: boolean;
}

export class MemoryBackend implements Pop3Backend<MemoryPrincipal> {
  readonly policy: ServerPolicy;
  faults: MemoryFaults = {};
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly logins = new Map<string, { password: string; mailbox: string }[]>();
  private readonly failures = new Map<string, number>();
  private readonly lastLogin = new Map<string, number>();
  private readonly locks = new Set<string>();
  private readonly maxFailedLogins: number;
  private readonly chunkOctets: number;
  private readonly now: () => number;

  constructor(options: MemoryBackendOptions = {}) {
    this.maxFailedLogins = options.maxFailedLogins ?? 5;
    this.chunkOctets = options.chunkOctets ?? Number.MAX_SAFE_INTEGER;
    this.now = options.now ?? Date.now;
    this.policy = { expire: "NEVER", loginDelaySeconds: options.loginDelaySeconds ?? null, variesPerUser: false };
  }

  addMailbox(address: string, options: { onDelete: DeletePolicy; uidValidity?: number }): void {
    this.mailboxes.set(address, {
      uidValidity: options.uidValidity ?? 1_700_000_000,
      uidNext: 1,
      onDelete: options.onDelete,
      messages: [],
      hidden: new Map(),
    });
  }

  /** A login for a mailbox: the owner's password, or an app password scoped to a shared mailbox. */
  addLogin(login: string, password: string, mailbox: string): void {
    this.logins.set(login, [...(this.logins.get(login) ?? []), { password, mailbox }]);
  }

  /** Stores a message; returns its UIDL. */
  deliver(address: string, raw: Buffer): string {
    const mailbox = this.mailbox(address);
    const uid = mailbox.uidNext++;
    mailbox.messages.push({ uid, raw });
    return `${mailbox.uidValidity}.${uid}`;
  }

  /** What the team sees in the browser and over IMAP: every stored message, hidden or not. */
  stored(address: string): Buffer[] {
    return this.mailbox(address).messages.map((message) => message.raw);
  }

  /** Locks held now, as "mailbox login". */
  heldLocks(): string[] {
    return [...this.locks];
  }

  async login(input: {
    username: string;
    password: string;
    remoteAddress: string;
  }): Promise<LoginVerdict<MemoryPrincipal>> {
    if (this.faults.login) return { ok: false, reason: this.faults.login };
    const key = `${input.username.toLowerCase()} ${input.remoteAddress}`;
    if ((this.failures.get(key) ?? 0) >= this.maxFailedLogins) return { ok: false, reason: "throttled" };
    const match = this.logins.get(input.username.toLowerCase())?.find((entry) => entry.password === input.password);
    if (!match) {
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
      return { ok: false, reason: "invalid" };
    }
    this.failures.delete(key);
    const login = input.username.toLowerCase();
    const delay = this.policy.loginDelaySeconds;
    const last = this.lastLogin.get(login);
    if (delay !== null && last !== undefined && this.now() - last < delay * 1000) {
      return { ok: false, reason: "login-delay" };
    }
    this.lastLogin.set(login, this.now());
    return { ok: true, principal: { login, mailbox: match.mailbox } };
  }

  async openMaildrop(principal: MemoryPrincipal): Promise<OpenVerdict> {
    if (this.faults.open) return { ok: false, reason: this.faults.open };
    const lock = `${principal.mailbox} ${principal.login}`;
    if (this.locks.has(lock)) return { ok: false, reason: "in-use" };
    this.locks.add(lock);
    const mailbox = this.mailbox(principal.mailbox);
    const hidden = mailbox.hidden.get(principal.login) ?? new Set<string>();
    const uidl = (message: StoredMessage) => `${mailbox.uidValidity}.${message.uid}`;
    // Fixed for the session: later deliveries and other sessions' deletions do not change it.
    const visible = mailbox.messages.filter((message) => !hidden.has(uidl(message)));
    const messages: MaildropMessage[] = visible.map((message) => ({
      uidl: uidl(message),
      size: encodedSize(message.raw),
    }));
    const chunkOctets = this.chunkOctets;
    const faults = this.faults;
    const maildrop: Maildrop = {
      messages,
      policy: { expire: this.policy.expire, loginDelaySeconds: this.policy.loginDelaySeconds },
      async *retrieve(index) {
        if (faults.retrieve) throw new Error("memory backend: retrieve fault");
        const raw = (visible[index] as StoredMessage).raw;
        for (let offset = 0; offset < raw.length; offset += chunkOctets) {
          yield raw.subarray(offset, offset + chunkOctets);
        }
      },
      commitDeletions: async (uidls) => {
        if (faults.commit) throw new Error("memory backend: commit fault");
        const marked = new Set(uidls);
        if (mailbox.onDelete === "delete") {
          mailbox.messages = mailbox.messages.filter((message) => !marked.has(uidl(message)));
        } else {
          mailbox.hidden.set(principal.login, new Set([...hidden, ...marked]));
        }
      },
      release: async () => {
        this.locks.delete(lock);
      },
    };
    return { ok: true, maildrop };
  }

  private mailbox(address: string): Mailbox {
    const mailbox = this.mailboxes.get(address);
    if (!mailbox) throw new Error(`memory backend: no mailbox ${address}`);
    return mailbox;
  }
}
