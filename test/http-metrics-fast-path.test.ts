// GET /metrics is answered by node:http before hono (src/runtime/http/metrics-fast-path.ts). Over a
// real port on 127.0.0.1: a scrape gets what the hono route gives (the app itself, called in
// process, is the reference), keeps the caller's safe request id, logs nothing; a scrape whose
// rendering fails, a HEAD and a query string still get the app's answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogLine } from "../src/runtime/log.ts";
import { createHttpApp } from "../src/runtime/http/app.ts";
import { startHttpServer, type RunningServer } from "../src/runtime/http/server.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

let rt: TestRuntime;
let api: RunningServer;
const logged: LogLine[] = [];

beforeAll(async () => {
  rt = await createTestRuntime({ log: (line) => logged.push(line) });
  api = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await api?.close();
  await rt?.dispose();
});

describe("a scrape of /metrics", () => {
  it("gets the status, content type and body the hono route gives, with the caller's request id, and writes no log line", async () => {
    const reference = await createHttpApp(rt).request("/metrics", { headers: { "x-request-id": "scrape-ref" } });
    const res = await fetch(`${api.url}/metrics`, { headers: { "x-request-id": "scrape-7" } });
    expect(res.status).toBe(reference.status);
    expect(res.headers.get("content-type")).toBe(reference.headers.get("content-type"));
    expect(res.headers.get("x-request-id")).toBe("scrape-7");
    const body = await res.text();
    expect(body).toBe(await reference.text());
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(body).toMatch(/^git_operation_total\{operation="clone",status="started"\} 0$/m);
    expect(logged.filter((l) => l["request_id"] === "scrape-7")).toEqual([]);
  });

  it("replaces a request id that could inject into logs or headers", async () => {
    const res = await fetch(`${api.url}/metrics`, { headers: { "x-request-id": "a b<script>" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("with a query string, and as a HEAD, is answered like the hono route answers it", async () => {
    const query = await fetch(`${api.url}/metrics?name[]=git_operation_total`);
    expect(query.status).toBe(200);
    expect(await query.text()).toMatch(/^# TYPE git_operation_total counter$/m);
    const head = await fetch(`${api.url}/metrics`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(head.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Only GET /metrics itself takes the fast path: a longer path is the app's 404.
    expect((await fetch(`${api.url}/metricsx`)).status).toBe(404);
  });

  it("whose rendering fails gets the app's 500 error body with its request id, and a log line", async () => {
    const collect = rt.metrics.activeSandboxesTotal.collect;
    rt.metrics.activeSandboxesTotal.collect = () => {
      throw new Error("collector broke");
    };
    try {
      const res = await fetch(`${api.url}/metrics`, { headers: { "x-request-id": "scrape-broken" } });
      expect(res.status).toBe(500);
      expect(res.headers.get("x-request-id")).toBe("scrape-broken");
      expect(await res.json()).toEqual({ ok: false, error: { type: "internal", message: "collector broke", request_id: "scrape-broken" } });
      expect(logged.find((l) => l["request_id"] === "scrape-broken")).toMatchObject({ level: "error", route: "/metrics", status: 500 });
    } finally {
      rt.metrics.activeSandboxesTotal.collect = collect;
    }
    expect((await fetch(`${api.url}/metrics`)).status).toBe(200);
  });
});
