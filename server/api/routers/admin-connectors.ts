// Connected remote mailboxes (server/connectors/) in the admin panel: the
// connectors with their status and progress, Test connection (before saving,
// each step named; for a saved connector with its stored password), add,
// edit (a password left empty is kept), pause, resume, remove. Admin tier; the same domain
// functions as `yubin connector`, audited with the admin as actor. No
// procedure ever returns a password.
import { z } from "zod";
import { id } from "../../access/database-id.ts";
import {
  addConnector,
  type ConnectorView,
  listConnectors,
  removeConnector,
  setConnectorPaused,
  updateConnector,
  validateSettings,
} from "../../connectors/connector-admin.ts";
import { testConnection, testEditedConnector } from "../../connectors/test-connection.ts";
import { loadEnv } from "../../env.ts";
import { safeText } from "../../safe-text.ts";
import { adminProcedure, router } from "../trpc.ts";

/** What the page shows; dates as ISO text (the browser's client has no transformer). */
function shown(c: ConnectorView) {
  return {
    id: c.id,
    address: c.address,
    url: c.url,
    host: c.host,
    port: c.port,
    tls: c.tls,
    username: c.username,
    folders: c.folders,
    markSeen: c.markSeen,
    moveTo: c.moveTo,
    relay: c.relay,
    since: c.since?.toISOString() ?? null,
    checkCertificate: c.checkCertificate,
    hasCa: c.hasCa,
    paused: c.paused,
    status: c.status,
    imported: c.imported,
    scanTotal: c.scanTotal,
    scanDone: c.scanDone,
    percent: c.scanTotal > 0 ? Math.floor((Math.min(c.scanDone, c.scanTotal) / c.scanTotal) * 100) : 100,
    lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
    lastError: c.lastError,
    lastErrorAt: c.lastErrorAt?.toISOString() ?? null,
  };
}

export type ShownConnector = ReturnType<typeof shown>;

const settingsInput = z.object({
  host: safeText.trim().min(1, "host is required").max(253),
  port: z.number().int().min(1).max(65535),
  tls: z.enum(["implicit", "starttls"]),
  username: safeText.trim().min(1, "user name is required").max(320),
  password: z.string().min(1, "password is required").max(1000),
  checkCertificate: z.boolean().default(true),
  caPem: z.string().max(100_000).nullable().default(null),
  folders: z.array(safeText.trim().min(1).max(500)).min(1).max(50).default(["INBOX"]),
  since: z.iso.date().nullable().default(null),
  markSeen: z.enum(["off", "imported", "closed"]).default("off"),
  moveTo: safeText.trim().max(500).nullable().default(null),
  relay: z
    .object({
      host: safeText.trim().min(1, "relay host is required").max(253),
      port: z.number().int().min(1).max(65535),
      tls: z.enum(["implicit", "starttls"]),
      username: safeText.trim().min(1, "relay user name is required").max(320),
      /** Empty on an edit: the stored one is kept. */
      password: z.string().max(1000).default(""),
      checkCertificate: z.boolean().default(true),
    })
    .nullable()
    .default(null),
});

function settings(input: z.infer<typeof settingsInput>) {
  const relay = input.relay ? { ...input.relay, password: input.relay.password || undefined } : null;
  return {
    ...input,
    moveTo: input.moveTo || null,
    relay,
    since: input.since ? new Date(`${input.since}T00:00:00Z`) : null,
  };
}

/** An edit: the same fields; the IMAP password may be empty (kept), and an empty CA keeps the stored one. */
const editInput = settingsInput.extend({ connectorId: id, password: z.string().max(1000).default("") });

const connectorInput = z.object({ connectorId: id });

export const adminConnectorsRouter = router({
  list: adminProcedure.query(async () => (await listConnectors()).map(shown)),
  /** Tries the settings without saving them: which step failed, in plain words. */
  test: adminProcedure
    .input(settingsInput.extend({ password: z.string().max(1000).default(""), connectorId: id.optional() }))
    .mutation(async ({ input }) => {
      const { connectorId, ...rest } = input;
      // Editing a saved connector: an empty password (or CA) field means the stored one.
      if (connectorId !== undefined) {
        const s = validateSettings({ ...settings(rest), relay: null }, { imap: true });
        return testEditedConnector(connectorId, s, loadEnv().dataDir);
      }
      return testConnection(validateSettings({ ...settings(rest), relay: null }));
    }),
  add: adminProcedure.input(settingsInput.extend({ mailboxId: id })).mutation(async ({ ctx, input }) => {
    const { mailboxId, ...rest } = input;
    const c = await addConnector({
      mailboxId,
      settings: settings(rest),
      dataDir: loadEnv().dataDir,
      actorId: ctx.user.id,
      ip: ctx.ip,
    });
    return shown(c);
  }),
  edit: adminProcedure.input(editInput).mutation(async ({ ctx, input }) => {
    const { connectorId, password, caPem, ...rest } = input;
    const changes = settings({ ...rest, password, caPem });
    const c = await updateConnector({
      id: connectorId,
      changes: {
        ...changes,
        password: password || undefined,
        caPem: caPem?.trim() ? caPem : undefined,
      },
      dataDir: loadEnv().dataDir,
      actorId: ctx.user.id,
      ip: ctx.ip,
    });
    return shown(c);
  }),
  pause: adminProcedure
    .input(connectorInput)
    .mutation(async ({ ctx, input }) =>
      shown(await setConnectorPaused({ id: input.connectorId, paused: true, actorId: ctx.user.id, ip: ctx.ip })),
    ),
  resume: adminProcedure
    .input(connectorInput)
    .mutation(async ({ ctx, input }) =>
      shown(await setConnectorPaused({ id: input.connectorId, paused: false, actorId: ctx.user.id, ip: ctx.ip })),
    ),
  remove: adminProcedure.input(connectorInput).mutation(async ({ ctx, input }) => {
    await removeConnector({ id: input.connectorId, actorId: ctx.user.id, ip: ctx.ip });
    return { removed: input.connectorId };
  }),
});
