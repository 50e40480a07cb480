// The configuration contract (DESIGN.md "Variables"): empty values count as
// unset, so a blank YUBIN_DATA_DIR never turns the working directory into a
// PostgreSQL data dir; bad values are refused with the variable's name.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { requestScheme } from "../../server/auth/secure-request.ts";
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

describe("YUBIN_PUBLIC_URL and the request scheme", () => {
  it("takes an http(s) origin, without a trailing slash, and refuses anything else", () => {
    expect(loadEnv({ YUBIN_PUBLIC_URL: "https://mail.example.com/" }).YUBIN_PUBLIC_URL).toBe(
      "https://mail.example.com",
    );
    expect(loadEnv({ YUBIN_PUBLIC_URL: "" }).YUBIN_PUBLIC_URL).toBeUndefined();
    for (const bad of ["mail.example.com", "ftp://mail.example.com", "https://mail.example.com/yubin"]) {
      expect(() => loadEnv({ YUBIN_PUBLIC_URL: bad })).toThrow(/YUBIN_PUBLIC_URL/);
    }
  });

  it("believes X-Forwarded-Proto only from a trusted proxy; an https public URL makes every request https", () => {
    expect(requestScheme({ publicUrl: undefined, trustProxy: false, forwardedProto: "https" })).toBe("http");
    expect(requestScheme({ publicUrl: undefined, trustProxy: true, forwardedProto: "https" })).toBe("https");
    expect(requestScheme({ publicUrl: undefined, trustProxy: true, forwardedProto: "https, http" })).toBe("http");
    expect(requestScheme({ publicUrl: undefined, trustProxy: true, forwardedProto: undefined })).toBe("http");
    expect(requestScheme({ publicUrl: "https://mail.example.com", trustProxy: false, forwardedProto: "http" })).toBe(
      "https",
    );
  });
});

describe("YUBIN_TRACE_RETENTION_DAYS", () => {
  it("defaults to 30 days (empty too), takes 0 as tracing off, and refuses anything but whole days", () => {
    expect(loadEnv({}).YUBIN_TRACE_RETENTION_DAYS).toBe(30);
    expect(loadEnv({ YUBIN_TRACE_RETENTION_DAYS: " " }).YUBIN_TRACE_RETENTION_DAYS).toBe(30);
    expect(loadEnv({ YUBIN_TRACE_RETENTION_DAYS: "0" }).YUBIN_TRACE_RETENTION_DAYS).toBe(0);
    expect(loadEnv({ YUBIN_TRACE_RETENTION_DAYS: "90" }).YUBIN_TRACE_RETENTION_DAYS).toBe(90);
    for (const bad of ["-1", "1.5", "a week", "4000"]) {
      expect(() => loadEnv({ YUBIN_TRACE_RETENTION_DAYS: bad })).toThrow(/YUBIN_TRACE_RETENTION_DAYS/);
    }
  });
});
