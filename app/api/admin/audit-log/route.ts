// Admin → Audit log → "Export CSV": the audit log for the page's filters as a
// CSV download. It calls admin.audit.export through the same tRPC caller as
// every request, so the admin check (and the audit of a refusal) is the
// procedure's; anyone else gets the same 404 as a path that does not exist.
import { TRPCError } from "@trpc/server";
import { createCaller } from "../../../../server/api/root.ts";
import { createContext } from "../../../../server/api/trpc.ts";
import { COMMON_HEADERS, notFound } from "../../messages/message-request.ts";

const FILTERS = ["actor", "action", "subject", "address", "since", "until"] as const;

/** yubin-audit-20261204-0930.csv, in UTC. */
function fileName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 13);
  return `yubin-audit-${stamp}.csv`;
}

export async function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const input = Object.fromEntries(
    FILTERS.flatMap((name) => {
      const value = params.get(name);
      return value === null || value === "" ? [] : [[name, value]];
    }),
  );
  const caller = createCaller(await createContext({ method: "GET", headers: request.headers }));
  try {
    const { csv, truncated } = await caller.admin.audit.export(input);
    return new Response(csv, {
      headers: {
        ...COMMON_HEADERS,
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${fileName(new Date())}"`,
        "X-Yubin-Truncated": truncated ? "1" : "0",
      },
    });
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "BAD_REQUEST") {
      return new Response(`${error.message}\n`, {
        status: 400,
        headers: { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    if (error.code === "NOT_FOUND" || error.code === "UNAUTHORIZED") return notFound();
    throw error;
  }
}
