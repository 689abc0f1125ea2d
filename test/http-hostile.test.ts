// Hostile HTTP requests against the real server on 127.0.0.1: what a web page can send on its own
// (text/plain without a preflight, another site's Origin, a DNS-rebinding Host), oversized and
// endless bodies, and the bearer scheme spelled in any case. Every refused request is shown to
// change nothing: the remote keeps its commits and no sandbox is created.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

let remotes: Remotes;
let rt: TestRuntime;
let server: RunningServer;
let repo: string;

beforeAll(async () => {
  remotes = await createRemotes();
  repo = await remotes.bare("hostile");
  rt = await createTestRuntime();
  server = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rt?.dispose();
  await remotes?.cleanup();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly these headers (fetch would add or refuse some, such as Host). */
function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const cloneBody = (agent: string) => JSON.stringify({ repo_url: repo, branch: "main", agent_id: agent, task_id: "t" });
const pushBody = (agent: string, message: string) =>
  JSON.stringify({ repo_url: repo, branch: "main", agent_id: agent, task_id: "t", commit: { message, files: [{ path: `${agent}.txt`, content: "x\n" }] } });

/** What a page on http://evil.example can make a browser send without a CORS preflight. */
const browserSimple = { "content-type": "text/plain;charset=UTF-8", origin: "http://evil.example", "sec-fetch-site": "cross-site" };

describe("requests a web page on another site can make", () => {
  it("refuses a text/plain clone and push from another site, and no commit lands", async () => {
    const before = await remotes.countCommits("hostile");
    const clone = await raw(server.url, "POST", "/v1/git/clone", browserSimple, cloneBody("evil"));
    const push = await raw(server.url, "POST", "/v1/git/push", browserSimple, pushBody("evil", "pwned"));
    expect([clone.status, push.status]).toEqual([403, 403]);
    expect(await remotes.countCommits("hostile")).toBe(before);
    expect(await remotes.subjects("hostile")).not.toContain("pwned");
    expect(await rt.leftovers()).toEqual([]);
  });

  it("refuses a body that is not application/json with 415, a missing Content-Type included", async () => {
    const before = await remotes.countCommits("hostile");
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
      const res = await raw(server.url, "POST", "/v1/git/clone", headers, cloneBody("typeless"));
      expect(res.status, `Content-Type ${type}`).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { type: "unsupported_media_type" } });
    }
    expect(await remotes.countCommits("hostile")).toBe(before);
    expect(await rt.leftovers()).toEqual([]);
  });

  it.each([
    ["an Origin of another site", { origin: "http://evil.example" }],
    ["another port of this host", { origin: "http://127.0.0.1:1" }],
    ["the opaque Origin null", { origin: "null" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
  ])("refuses a JSON request with %s with 403", async (_what, extra) => {
    const before = await remotes.countCommits("hostile");
    const res = await raw(server.url, "POST", "/v1/git/push", { "content-type": "application/json", ...extra }, pushBody("cross", "cross-site push"));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { type: "forbidden" } });
    expect(await remotes.countCommits("hostile")).toBe(before);
    expect(await rt.leftovers()).toEqual([]);
  });

  it("refuses a DNS-rebinding page, same-origin with its own host name, with 403", async () => {
    const port = new URL(server.url).port;
    const res = await raw(server.url, "POST", "/v1/git/clone", { "content-type": "application/json", host: `evil.example:${port}`, origin: `http://evil.example:${port}` }, cloneBody("rebound"));
    expect(res.status).toBe(403);
    expect(await rt.leftovers()).toEqual([]);
  });

  it("refuses the MCP endpoint to another site and to a text/plain body", async () => {
    const call = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "git_clone", arguments: JSON.parse(cloneBody("mcp-evil")) } });
    const accept = { accept: "application/json, text/event-stream" };
    expect((await raw(server.url, "POST", "/mcp", { ...accept, ...browserSimple }, call)).status).toBe(403);
    expect((await raw(server.url, "POST", "/mcp", { ...accept, "content-type": "text/plain" }, call)).status).toBe(415);
    expect((await raw(server.url, "GET", "/mcp", { accept: "text/event-stream", origin: "http://evil.example" })).status).toBe(403);
    expect(await rt.leftovers()).toEqual([]);
  });

  it("accepts a same-origin request and one without Origin (curl, SDKs), and their commits land", async () => {
    const host = new URL(server.url).host;
    const sameOrigin = { "content-type": "application/json", origin: server.url, "sec-fetch-site": "same-origin" };
    expect((await raw(server.url, "POST", "/v1/git/clone", sameOrigin, cloneBody("page"))).status).toBe(200);
    expect((await raw(server.url, "POST", "/v1/git/push", sameOrigin, pushBody("page", "from the docs page"))).status).toBe(200);
    const curl = { "content-type": "application/json; charset=utf-8", host };
    expect((await raw(server.url, "POST", "/v1/git/clone", curl, cloneBody("curl"))).status).toBe(200);
    expect((await raw(server.url, "POST", "/v1/git/push", curl, pushBody("curl", "from curl"))).status).toBe(200);
    expect(await remotes.subjects("hostile")).toEqual(expect.arrayContaining(["from the docs page", "from curl"]));
    const localhost = await raw(server.url, "POST", "/v1/git/status", { "content-type": "application/json", host: `localhost:${new URL(server.url).port}` }, cloneBody("curl"));
    expect(localhost.status).toBe(200);
  });
});

describe("request size", () => {
  let small: RunningServer;
  const LIMIT = 64 * 1024;
  beforeAll(async () => {
    small = await startHttpServer(rt, { host: "127.0.0.1", port: 0, maxRequestBytes: LIMIT });
  });
  afterAll(() => small?.close());

  it("refuses a body above the limit declared by Content-Length with 413", async () => {
    const body = JSON.stringify({ repo_url: repo, agent_id: "big", task_id: "t", pad: "x".repeat(LIMIT) });
    const res = await raw(small.url, "POST", "/v1/git/clone", { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }, body);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { type: "payload_too_large" } });
  });

  it("answers 413 to a chunked body while it is still streaming, without reading it to the end", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${small.url}/v1/git/clone`, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (error) => (req.destroyed ? undefined : reject(error)));
      // More than the limit, then nothing: a server that waited for the end would never answer.
      req.write(`{"pad":"${"x".repeat(LIMIT * 2)}`);
    });
    expect(status).toBe(413);
  }, 10_000);

  it("refuses a body above the default of 10 MiB and accepts one just below it", async () => {
    const pad = (n: number) => JSON.stringify({ repo_url: repo, agent_id: "big", task_id: "t", pad: "" }).replace('"pad":""', `"pad":"${"x".repeat(n)}"`);
    const base = Buffer.byteLength(pad(0));
    const over = await raw(server.url, "POST", "/v1/git/clone", { "content-type": "application/json" }, pad(10 * 1024 * 1024 - base + 1));
    expect(over.status).toBe(413);
    const under = await raw(server.url, "POST", "/v1/git/clone", { "content-type": "application/json" }, pad(10 * 1024 * 1024 - base));
    // Within the limit it is parsed, and refused for its unknown field, naming it.
    expect(under.status).toBe(400);
    expect(JSON.parse(under.body)).toMatchObject({ ok: false, error: { type: "validation" } });
  });
});

describe("the bearer token scheme", () => {
  it("accepts the scheme in any case and refuses other schemes and wrong tokens", async () => {
    const secured = await startHttpServer(rt, { host: "127.0.0.1", port: 0, token: "t0ken-for-tests" });
    try {
      const call = (authorization: string) => raw(secured.url, "POST", "/v1/git/status", { "content-type": "application/json", authorization }, cloneBody("curl"));
      for (const scheme of ["Bearer", "bearer", "BEARER", "bEaReR"]) expect((await call(`${scheme} t0ken-for-tests`)).status, scheme).toBe(200);
      expect((await call("Basic t0ken-for-tests")).status).toBe(401);
      expect((await call("Bearer t0ken-for-test")).status).toBe(401);
      expect((await call("Bearert0ken-for-tests")).status).toBe(401);
    } finally {
      await secured.close();
    }
  });
});
