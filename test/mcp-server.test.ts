// The MCP server git_operations, driven by the official SDK's own Client: in process over a linked
// transport pair, over streamable HTTP against the real server, and over stdio as an MCP client
// configuration starts it (`node dist/runtime/main.js --mcp-stdio`).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createMcpServer } from "../src/runtime/mcp/server.ts";
import { buildDist, ROOT, RUNTIME_ENTRY } from "./support/build.ts";
import { createRemotes, type Remotes } from "./support/git-remote.ts";
import { createTestRuntime, ops, type TestRuntime } from "./support/git-runtime.ts";

const TOOLS = ["git_clone", "git_diff", "git_pull", "git_push", "git_status"];

let remotes: Remotes;
let repo: string;

beforeAll(async () => {
  remotes = await createRemotes();
  repo = await remotes.bare("mcp");
});
afterAll(() => remotes?.cleanup());

function text(result: unknown): string {
  const content = (result as CallToolResult).content[0];
  return content?.type === "text" ? content.text : "";
}

const args = (agent_id: string) => ({ repo_url: repo, branch: "main", agent_id, task_id: "test-task" });

describe("the MCP server over an in-process transport pair", () => {
  let rt: TestRuntime;
  let client: Client;
  beforeAll(async () => {
    rt = await createTestRuntime();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await createMcpServer(rt).connect(serverSide);
    client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client?.close();
    await rt?.dispose();
  });

  it("is named git_operations and lists the five tools with repo_url, branch, agent_id and task_id", async () => {
    expect(client.getServerVersion()?.name).toBe("git_operations");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["repo_url", "branch", "agent_id", "task_id"]));
    }
  });

  it("clones, commits and pushes through the tools, recorded by the generated metrics", async () => {
    const clone = await client.callTool({ name: "git_clone", arguments: args("test-agent") });
    expect(clone.isError).toBe(false);
    expect(JSON.parse(text(clone))).toMatchObject({ ok: true, operation: "clone" });
    const push = await client.callTool({
      name: "git_push",
      arguments: { ...args("test-agent"), commit: { message: "from mcp", files: [{ path: "mcp.txt", content: "x\n" }] } },
    });
    expect(JSON.parse(text(push))).toMatchObject({ ok: true, retries: 0 });
    expect(await remotes.subjects("mcp")).toContain("from mcp");
    expect(ops(rt, "clone")).toEqual({ started: 1, success: 1, failure: 0, retry: 0 });
    expect(ops(rt, "push")).toEqual({ started: 1, success: 1, failure: 0, retry: 0 });
  });

  it("answers invalid arguments with an error naming the field", async () => {
    const result = await client.callTool({ name: "git_status", arguments: { ...args("test-agent"), repo_url: "--upload-pack=x" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("repo_url");
  });
});

describe("the MCP server over streamable HTTP at /mcp", () => {
  let rt: TestRuntime;
  let server: RunningServer;
  beforeAll(async () => {
    rt = await createTestRuntime();
    server = await startHttpServer(rt, { host: "127.0.0.1", port: 0, token: "mcp-token-123" });
  });
  afterAll(async () => {
    await server?.close();
    await rt?.dispose();
  });

  it("serves the SDK's streamable HTTP client with a bearer token", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: "Bearer mcp-token-123" } },
    });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOLS);
      expect(JSON.parse(text(await client.callTool({ name: "git_clone", arguments: args("http-agent") })))).toMatchObject({ ok: true });
      const status = JSON.parse(text(await client.callTool({ name: "git_status", arguments: args("http-agent") })));
      expect(status).toMatchObject({ ok: true, output: expect.stringContaining("## main...origin/main") });
      expect(rt.metrics.sandboxCacheHitsTotal.valueFor({})).toBe(1);
    } finally {
      await client.close();
    }
  });
  it("answers invalid arguments exactly as the HTTP API does: ok false, type validation, an issue per field", async () => {
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: "Bearer mcp-token-123" } } }));
    try {
      const bad = { ...args("shape-agent"), repo_url: "--upload-pack=touch /tmp/x", branch: "HEAD..x" };
      const tool = await client.callTool({ name: "git_status", arguments: bad });
      expect(tool.isError).toBe(true);
      const http = await fetch(`${server.url}/v1/git/status`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer mcp-token-123" },
        body: JSON.stringify(bad),
      });
      expect(http.status).toBe(400);
      const httpBody = (await http.json()) as { error: { request_id?: unknown } };
      // The request id belongs to the HTTP exchange (also in its X-Request-Id header); the rest is the same.
      expect(httpBody.error.request_id).toBe(http.headers.get("x-request-id"));
      delete httpBody.error.request_id;
      expect(JSON.parse(text(tool))).toEqual(httpBody);
      expect(httpBody).toMatchObject({
        ok: false,
        operation: "status",
        error: { type: "validation", issues: expect.arrayContaining([expect.objectContaining({ field: "repo_url" }), expect.objectContaining({ field: "branch" })]) },
      });
    } finally {
      await client.close();
    }
  });
});

describe("the MCP server over stdio", () => {
  let tmp: string;
  beforeAll(async () => {
    await buildDist("runtime");
    tmp = await mkdtemp(join(tmpdir(), "obsgen-mcp-stdio-"));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it("runs as `node dist/runtime/main.js --mcp-stdio`, and when the client closes it kills its sandbox and exits", async () => {
    const documented = documentedMcpConfig();
    expect(documented.args).toEqual([RUNTIME_ENTRY, "--mcp-stdio"]);
    const transport = new StdioClientTransport({
      command: documented.command,
      args: documented.args,
      cwd: tmp,
      env: { PATH: process.env["PATH"] ?? "", HOME: tmp, TMPDIR: tmp, RUNTIME_ALLOW_LOCAL_REMOTES: "1" },
      stderr: "pipe",
    });
    let log = "";
    transport.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(transport);
    const pid = transport.pid;
    try {
      expect(client.getServerVersion()?.name).toBe("git_operations");
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOLS);
      const clone = await client.callTool({ name: "git_clone", arguments: args("stdio-agent") });
      expect(JSON.parse(text(clone))).toMatchObject({ ok: true, operation: "clone" });
      expect((await readdir(tmp)).filter((d) => d.startsWith("obsgen-sandbox-"))).toHaveLength(1);
    } finally {
      // Ends the server's stdin; the SDK would send SIGTERM only if it were still running 2 s later.
      await client.close();
    }
    expect(pid).toBeDefined();
    expect(alive(pid ?? 0)).toBe(false);
    expect(log).toContain("stdin closed: killing every sandbox and exiting");
    expect(log).not.toContain("SIGTERM");
    expect((await readdir(tmp)).filter((d) => d.startsWith("obsgen-sandbox-"))).toEqual([]);
  });
});

/** The command and arguments of the MCP client configuration in docs/runtime.md, for this checkout. */
function documentedMcpConfig(): { command: string; args: string[] } {
  const page = readFileSync(join(ROOT, "docs", "runtime.md"), "utf8");
  const block = /```json\n(\{\n\s+"mcpServers"[\s\S]*?)```/.exec(page)?.[1];
  if (block === undefined) throw new Error("docs/runtime.md has no MCP client configuration");
  const config = JSON.parse(block) as { mcpServers: Record<string, { command: string; args: string[] }> };
  const server = config.mcpServers["git_operations"];
  if (server === undefined) throw new Error("the MCP configuration in docs/runtime.md has no git_operations");
  return { command: server.command, args: server.args.map((a) => a.replace("/path/to/obsgen", ROOT)) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
