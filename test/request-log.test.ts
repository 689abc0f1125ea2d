// The runtime's JSON-lines log and request ids, against the real runtime (`npm start`'s
// src/runtime/main.ts in a child process, its stderr captured): a failed call's request id, from
// the response body and the X-Request-Id header, finds its log line; secrets in the URL, the
// body's repository URL or the headers never reach the log.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJsonLogger, LOG_FIELDS, requestIdFrom } from "../src/runtime/log.ts";
import { Child } from "./support/child.js";

type Line = Record<string, unknown>;

let runtime: Child;
let url = "";

function lines(): Line[] {
  return runtime.output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

beforeAll(async () => {
  runtime = Child.start("node", ["--import", "tsx", "src/runtime/main.ts"], { ...process.env, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1" }, "runtime");
  url = await runtime.waitFor("the runtime to listen", () => /git runtime listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(runtime.output)?.[1]);
});

afterAll(async () => {
  await runtime?.stop();
});

const SECRETS = ["query-secret-7f3a", "userinfo-secret-91bc", "bearer-secret-c0de"];

describe("the runtime's request log", () => {
  it("finds a failed call's log line by the request id in its response, and writes no secret from the URL", async () => {
    const res = await fetch(`${url}/v1/git/clone?access_token=${SECRETS[0]}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SECRETS[2]}` },
      // Port 1 on loopback refuses the connection: a network failure, after a real git attempt.
      body: JSON.stringify({ repo_url: `http://agent:${SECRETS[1]}@127.0.0.1:1/repo.git`, branch: "main", agent_id: "agent-7", task_id: "task-42" }),
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { ok: boolean; error: { type: string; request_id: string } };
    const id = body.error.request_id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(id);

    const line = await runtime.waitFor("the request's log line", () => lines().find((l) => l.request_id === id && l.route !== undefined));
    expect(line).toMatchObject({ level: "error", method: "POST", route: "/v1/git/clone", status: 502, operation: "clone", agent_id: "agent-7", task_id: "task-42", error_type: body.error.type });
    expect(Object.keys(line).slice(0, 3)).toEqual(["time", "level", "msg"]);
    expect(typeof line.duration_ms).toBe("number");
    expect(Date.parse(String(line.time))).not.toBeNaN();
    // The git runtime's own line about the failure carries the same request id.
    expect(lines().find((l) => l.msg === "clone failed")).toMatchObject({ request_id: id, agent_id: "agent-7", task_id: "task-42", error_type: body.error.type });
    for (const secret of SECRETS) expect(runtime.output).not.toContain(secret);
  });

  it("keeps a caller's safe X-Request-Id and replaces one that could inject into logs or headers", async () => {
    const kept = await fetch(`${url}/v1/git/status`, { method: "POST", headers: { "x-request-id": "trace-abc.123", "content-type": "application/json" }, body: "not json" });
    expect(kept.status).toBe(400);
    expect(kept.headers.get("x-request-id")).toBe("trace-abc.123");
    expect(((await kept.json()) as { error: { type: string; request_id: string } }).error).toMatchObject({ type: "validation", request_id: "trace-abc.123" });
    const line = await runtime.waitFor("the validation failure's line", () => lines().find((l) => l.request_id === "trace-abc.123"));
    expect(line).toMatchObject({ level: "warn", status: 400, error_type: "validation", operation: "status" });

    for (const hostile of ['a"b', "x".repeat(200), "../../etc", "<script>"]) {
      const res = await fetch(`${url}/nowhere`, { headers: { "x-request-id": hostile } });
      expect(res.status).toBe(404);
      const id = res.headers.get("x-request-id");
      expect(id).not.toBe(hostile);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await res.json()) as { error: { request_id: string } }).error.request_id).toBe(id);
    }
  });

  it("does not log successful scrapes and health checks, which would bury everything else", async () => {
    const res = await fetch(`${url}/healthz`, { headers: { "x-request-id": "probe-1" } });
    expect(res.headers.get("x-request-id")).toBe("probe-1");
    await fetch(`${url}/metrics`, { headers: { "x-request-id": "scrape-1" } });
    const marker = await fetch(`${url}/openapi.json`, { headers: { "x-request-id": "after-1" } });
    expect(marker.status).toBe(200);
    await runtime.waitFor("the line after them", () => lines().find((l) => l.request_id === "after-1"));
    expect(lines().filter((l) => l.request_id === "probe-1" || l.request_id === "scrape-1")).toEqual([]);
  });
});

describe("the JSON line logger", () => {
  it("writes the schema's fields first, drops fields named like credentials, and redacts strings", () => {
    const out: string[] = [];
    const log = createJsonLogger({ write: (t) => out.push(t), redact: (t) => t.replaceAll("hunter2", "***"), now: () => "2026-01-01T00:00:00.000Z" });
    log({ level: "warn", msg: "push to https://x:hunter2@h/r failed", zeta: 1, error_type: "auth", password: "hunter2", api_key: "k", request_id: "r1", error: new Error("hunter2 rejected") });
    expect(out).toHaveLength(1);
    expect(out[0]?.endsWith("\n")).toBe(true);
    expect(JSON.parse(out[0] ?? "")).toEqual({ time: "2026-01-01T00:00:00.000Z", level: "warn", msg: "push to https://x:***@h/r failed", request_id: "r1", error_type: "auth", error: "*** rejected", zeta: 1 });
    expect(Object.keys(JSON.parse(out[0] ?? "") as object)).toEqual(["time", "level", "msg", "request_id", "error_type", "error", "zeta"]);
  });

  it("accepts only request ids of safe characters and bounded length", () => {
    expect(requestIdFrom("abc-123_x.y:z")).toBe("abc-123_x.y:z");
    for (const bad of [undefined, "", " x", "a b", "a\nb", "-a", "x".repeat(129)]) expect(requestIdFrom(bad)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is documented field by field in docs/LOGS.md", () => {
    const doc = readFileSync("docs/LOGS.md", "utf8");
    for (const field of LOG_FIELDS) expect(doc, field).toContain(`| \`${field}\``);
  });
});
