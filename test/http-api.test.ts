// The HTTP API on a real port on 127.0.0.1: validation naming fields, operations, /metrics,
// /openapi.json derived from the zod schemas, /docs, and the bearer token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InsecureBindError, type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

let remotes: Remotes;
let rt: TestRuntime;
let server: RunningServer;
let repo: string;

beforeAll(async () => {
  remotes = await createRemotes();
  repo = await remotes.bare("api");
  rt = await createTestRuntime();
  server = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server?.close();
  await rt?.dispose();
  await remotes?.cleanup();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const good = () => ({ repo_url: repo, branch: "main", agent_id: "api-agent", task_id: "t1" });

describe("the HTTP API", () => {
  it("answers /healthz", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", provider: "local" });
  });

  it.each([
    ["repo_url", { repo_url: "--upload-pack=touch /tmp/x" }],
    ["repo_url", { repo_url: "ext::sh -c touch% /tmp/pwned" }],
    ["repo_url", { repo_url: "ftp://example.com/r.git" }],
    ["repo_url", { repo_url: undefined }],
    ["branch", { branch: "-c" }],
    ["branch", { branch: "feature..x" }],
    ["branch", { branch: "topic.lock" }],
    ["agent_id", { agent_id: "../../etc" }],
    ["task_id", { task_id: "" }],
  ])("rejects a bad %s with a 400 naming the field", async (field, patch) => {
    const res = await post("/v1/git/clone", { ...good(), ...patch });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; issues: { field: string }[] } };
    expect(body.error.type).toBe("validation");
    expect(body.error.issues.map((i) => i.field)).toContain(field);
  });

  it("rejects a body that is not JSON and a file path that escapes the repository", async () => {
    expect((await post("/v1/git/clone", "{not json")).status).toBe(400);
    const res = await post("/v1/git/push", { ...good(), commit: { message: "x", files: [{ path: "../outside", content: "" }] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("commit.files.0.path");
  });

  it("runs clone and status and exposes the counts on /metrics in the Prometheus text format", async () => {
    expect((await post("/v1/git/clone", good())).status).toBe(200);
    const status = await post("/v1/git/status", good());
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ ok: true, operation: "status" });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await metrics.text();
    expect(text).toContain('git_operation_total{operation="clone",status="success"} 1');
    expect(text).toContain('git_operation_total{operation="status",status="success"} 1');
    expect(text).toContain("active_sandboxes_total 1");
  });

  it("answers a failed operation with its error type and an HTTP status for it", async () => {
    const res = await post("/v1/git/diff", { ...good(), agent_id: "never-cloned" });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ ok: false, error: { type: "other" } });
  });

  it("publishes an OpenAPI document whose request bodies are the zod schemas", async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, { post?: { requestBody: { content: { "application/json": { schema: { required: string[]; properties: Record<string, unknown> } } } } } }>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const op of ["clone", "status", "diff", "pull", "push"]) {
      const schema = doc.paths[`/v1/git/${op}`]?.post?.requestBody.content["application/json"].schema;
      expect(schema?.required).toEqual(["repo_url", "agent_id", "task_id"]);
      expect(Object.keys(schema?.properties ?? {})).toEqual(expect.arrayContaining(["repo_url", "branch", "agent_id", "task_id"]));
    }
    expect(Object.keys(doc.paths["/v1/git/push"]?.post?.requestBody.content["application/json"].schema.properties ?? {})).toContain("commit");
  });

  it("renders /docs as a self-contained HTML page listing every operation and field", async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    for (const op of ["clone", "status", "diff", "pull", "push"]) expect(page).toContain(`/v1/git/${op}`);
    expect(page).toContain("commit.files[].path");
    expect(page).not.toMatch(/<script|<link|(src|href)="https?:/);
  });
});

describe("the bearer token", () => {
  it("refuses to listen beyond loopback without a token", async () => {
    await expect(startHttpServer(rt, { host: "0.0.0.0", port: 0 })).rejects.toBeInstanceOf(InsecureBindError);
  });

  it("requires the token on the API and the MCP endpoint, not on /metrics and /healthz", async () => {
    const secured = await startHttpServer(rt, { host: "127.0.0.1", port: 0, token: "t0ken-for-tests" });
    try {
      const call = (headers: Record<string, string>) =>
        fetch(`${secured.url}/v1/git/status`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(good()) });
      expect((await call({})).status).toBe(401);
      expect((await call({ authorization: "Bearer wrong-token-xx" })).status).toBe(401);
      expect((await call({ authorization: "Bearer t0ken-for-tests" })).status).toBe(200);
      expect((await fetch(`${secured.url}/mcp`, { method: "POST" })).status).toBe(401);
      expect((await fetch(`${secured.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${secured.url}/healthz`)).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});
