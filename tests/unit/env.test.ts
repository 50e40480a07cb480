// The configuration contract (DESIGN.md "Variables"): empty values count as
// unset, so a blank YUBIN_DATA_DIR never turns the working directory into a
// PostgreSQL data dir; bad values are refused with the variable's name.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadEnv } from "../../server/env.ts";

describe("loadEnv", () => {
  it("takes an empty or blank YUBIN_DATA_DIR as unset", () => {
    expect(loadEnv({}).dataDir).toBe(path.resolve("./data"));
    expect(loadEnv({ YUBIN_DATA_DIR: "" }).dataDir).toBe(path.resolve("./data"));
    expect(loadEnv({ YUBIN_DATA_DIR: "   " }).dataDir).toBe(path.resolve("./data"));
    expect(loadEnv({ YUBIN_DATA_DIR: " /srv/yubin " }).dataDir).toBe("/srv/yubin");
  });

  it("refuses a bad port with the variable's name", () => {
    expect(() => loadEnv({ YUBIN_HTTP_PORT: "99999" })).toThrow(ConfigError);
    expect(() => loadEnv({ YUBIN_HTTP_PORT: "99999" })).toThrow(/YUBIN_HTTP_PORT/);
  });
});
