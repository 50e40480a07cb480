// Admin → Server status: the processes, storage, queue, mail per hour and
// recent errors (server/cluster/server-health.ts).
import { serverHealth } from "../../cluster/server-health.ts";
import { adminProcedure, router } from "../trpc.ts";

export const adminStatusRouter = router({
  overview: adminProcedure.query(() => serverHealth()),
});
