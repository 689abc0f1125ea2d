// /openapi.json and /docs document every status each endpoint really returns, with a schema and
// an example derived from zod; real responses of a real runtime over HTTP match those schemas.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
}
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { description: string; content?: Record<string, Media> }> }>>;
}

let remotes: Remotes;
let rt: TestRuntime;
let server: RunningServer;
let secured: RunningServer;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  remotes = await createRemotes();
  rt = await createTestRuntime();
  server = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
  secured = await startHttpServer(rt, { host: "127.0.0.1", port: 0, token: "t0ken-for-docs" });
  doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
});

afterAll(async () => {
  await secured?.close();
  await server?.close();
  await rt?.dispose();
  await remotes?.cleanup();
});

function documented(path: string, method: string, status: number): Media {
  const r = doc.paths[path]?.[method]?.responses[String(status)];
  if (!r) throw new Error(`${method.toUpperCase()} ${path} does not document status ${status}`);
  const media = Object.values(r.content ?? {})[0];
  if (!media?.schema) throw new Error(`${method.toUpperCase()} ${path} ${status} has no schema`);
  return media;
}

function validator(path: string, method: string, status: number): ValidateFunction {
  const key = `${method} ${path} ${status}`;
  const found = validators.get(key);
  if (found) return found;
  const v = ajv.compile(documented(path, method, status).schema ?? {});
  validators.set(key, v);
  return v;
}

/** The response's status is documented for the endpoint, and its body matches that status's schema. */
async function expectDocumented(res: Response, path: string, method = "post"): Promise<unknown> {
  const body: unknown = await res.json();
  const validate = validator(path, method, res.status);
  expect(validate(body), `${res.status} ${JSON.stringify(body)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return body;
}

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("the OpenAPI document's responses", () => {
  it("give every documented status with a body a schema, and an example that matches it", () => {
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, r] of Object.entries(op.responses)) {
          expect(r.description, `${path} ${status}`).not.toBe("");
          for (const media of Object.values(r.content ?? {})) {
            expect(media.schema, `${method} ${path} ${status}`).toBeDefined();
            if (media.example === undefined) continue;
            const validate = ajv.compile(media.schema ?? {});
            expect(validate(media.example), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(39);
  });

  it("documents 409 only for the operations that can meet a conflict (pull and push)", () => {
    const with409 = Object.entries(doc.paths).filter(([, m]) => m.post?.responses["409"] !== undefined).map(([p]) => p);
    expect(with409).toEqual(["/v1/git/pull", "/v1/git/push"]);
    for (const op of ["clone", "status", "diff", "pull", "push"]) {
      expect(Object.keys(doc.paths[`/v1/git/${op}`]?.post?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401", "403", "413", "415", "500", "502", "503", "504"]));
    }
  });
});

describe("real responses match the documented schema of their status", () => {
  it("200 of clone, status and /healthz", async () => {
    const repo = await remotes.bare("docs-ok");
    const req = { repo_url: repo, branch: "main", agent_id: "docs", task_id: "ok" };
    expect((await expectDocumented(await post(server.url, "/v1/git/clone", req), "/v1/git/clone")) as object).toMatchObject({ ok: true });
    await expectDocumented(await post(server.url, "/v1/git/status", req), "/v1/git/status");
    await expectDocumented(await fetch(`${server.url}/healthz`), "/healthz", "get");
  });

  it("400 naming the field, and 401 without the token", async () => {
    const bad = await post(server.url, "/v1/git/clone", { repo_url: "ext::sh", branch: "-x", agent_id: "a", task_id: "t" });
    expect(bad.status).toBe(400);
    await expectDocumented(bad, "/v1/git/clone");
    const unauthorized = await post(secured.url, "/v1/git/push", { repo_url: "x", agent_id: "a", task_id: "t" });
    expect(unauthorized.status).toBe(401);
    await expectDocumented(unauthorized, "/v1/git/push");
  });

  it("409 with the conflicting files when a push's rebase conflicts", async () => {
    const repo = await remotes.bare("docs-conflict", { "README.md": "base\n" });
    const req = { repo_url: repo, branch: "main", agent_id: "docs", task_id: "conflict" };
    expect((await post(server.url, "/v1/git/clone", req)).status).toBe(200);
    await remotes.commitAsOther("docs-conflict", { "README.md": "theirs\n" }, "theirs");
    const res = await post(server.url, "/v1/git/push", { ...req, commit: { message: "mine", files: [{ path: "README.md", content: "mine\n" }] } });
    expect(res.status).toBe(409);
    expect(await expectDocumented(res, "/v1/git/push")).toMatchObject({ error: { type: "conflict", conflicting_files: ["README.md"] } });
  }, 60_000);

  it("502 when git fails", async () => {
    const res = await post(server.url, "/v1/git/diff", { repo_url: await remotes.bare("docs-502"), branch: "main", agent_id: "never-cloned", task_id: "t" });
    expect(res.status).toBe(502);
    await expectDocumented(res, "/v1/git/diff");
  });

  it("403, 413 and 415 from the browser and size guards of an operation", async () => {
    const req = { repo_url: "https://git.example.com/r.git", branch: "main", agent_id: "docs", task_id: "guards" };
    const crossSite = await post(server.url, "/v1/git/clone", req, { origin: "http://evil.example" });
    expect(crossSite.status).toBe(403);
    await expectDocumented(crossSite, "/v1/git/clone");
    const tooLarge = await post(server.url, "/v1/git/push", { ...req, commit: { message: "x", files: [{ path: "a", content: "x".repeat(11 * 1024 * 1024) }] } });
    expect(tooLarge.status).toBe(413);
    await expectDocumented(tooLarge, "/v1/git/push");
    const textPlain = await fetch(`${server.url}/v1/git/clone`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(req) });
    expect(textPlain.status).toBe(415);
    await expectDocumented(textPlain, "/v1/git/clone");
  });

  it("415 and 406 from the MCP endpoint", async () => {
    const json = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    const wrongType = await fetch(`${server.url}/mcp`, { method: "POST", headers: { "content-type": "text/plain", accept: "application/json, text/event-stream" }, body: JSON.stringify(json) });
    expect(wrongType.status).toBe(415);
    await expectDocumented(wrongType, "/mcp");
    const wrongAccept = await fetch(`${server.url}/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: "text/html" }, body: JSON.stringify(json) });
    expect(wrongAccept.status).toBe(406);
    await expectDocumented(wrongAccept, "/mcp");
  });
});

describe("/docs", () => {
  it("shows each response's fields and example, under a table header with no blank cell", async () => {
    const page = await (await fetch(`${server.url}/docs`)).text();
    expect(page).not.toMatch(/<th>\s*<\/th>/);
    expect(page).toContain("<th>required</th>");
    const push = page.slice(page.indexOf('id="git_push"'), page.indexOf("</section>", page.indexOf('id="git_push"')));
    expect(push).toContain("<code>409</code>");
    expect(push).toContain("<code>error.conflicting_files</code>");
    expect(push).toContain("<summary>example</summary>");
    const clone = page.slice(page.indexOf('id="git_clone"'), page.indexOf("</section>", page.indexOf('id="git_clone"')));
    expect(clone).not.toContain("<code>409</code>");
    expect(clone).toContain("<code>sandbox_id</code>");
  });
});
