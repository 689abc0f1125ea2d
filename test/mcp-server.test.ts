// The MCP server git_operations, driven by the official SDK's own Client: in process over a linked
// transport pair, over streamable HTTP against the real server, and over stdio from `npm start`.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { createMcpServer } from "../src/runtime/mcp/server.ts";
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
    await createMcpServer(rt.git).connect(serverSide);
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
});

describe("the MCP server over stdio", () => {
  it("starts with `npm start -- --mcp-stdio` and lists its tools", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", "src/runtime/main.ts", "--mcp-stdio"],
      cwd: process.cwd(),
      env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp" },
      stderr: "ignore",
    });
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()?.name).toBe("git_operations");
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOLS);
    } finally {
      await client.close();
    }
  });
});
