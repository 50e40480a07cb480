// Entry of an MX cluster worker: TypeScript through tsx, as bin/yubin does.
import { register } from "tsx/esm/api";

register();
await import("./mx-worker.ts");
