// Entry of an MX cluster worker: from the CLI bundle that the primary's
// bin/yubin made current, else TypeScript through tsx, as bin/yubin does.
import { runEntry } from "../../scripts/cli-bundle.mjs";

await runEntry("mx-worker", { build: false });
