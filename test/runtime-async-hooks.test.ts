// The runtime never turns on async hooks. On Node 20 the first AsyncLocalStorage.run (or any
// enabled createHook) makes every promise of the process pay a hook call for good, a scrape's and
// a git operation's alike; request ids and busy refusals are passed along the call instead
// (docs/LOGS.md). Checked on the real runtime (`npm start`'s src/runtime/main.ts in a child
// process) after it served each kind of request, through a probe that asks the process itself.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Child } from "./support/child.js";
import { closedPort, createRemotes, type Remotes } from "./support/git-remote.ts";

type Line = Record<string, unknown>;

const PROBE = ["--import", "./test/support/promise-hook-probe.mjs"];

function lines(child: Child): Line[] {
  return child.output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

/** Asks the probe in `child` and returns the async id a promise reaction ran with (0: no hooks). */
async function promiseAsyncId(child: Child): Promise<number> {
  const before = lines(child).filter((l) => l.probe === "promise-hooks").length;
  child.process.kill("SIGUSR2");
  const answer = await child.waitFor("the probe's answer", () => lines(child).filter((l) => l.probe === "promise-hooks")[before]);
  return answer.promise_async_id as number;
}

let remotes: Remotes;
let runtime: Child;
let url = "";

beforeAll(async () => {
  remotes = await createRemotes();
  runtime = Child.start("node", ["--import", "tsx", ...PROBE, "src/runtime/main.ts"], { ...process.env, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1" }, "runtime");
  url = await runtime.waitFor("the runtime to listen", () => /git runtime listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(runtime.output)?.[1]);
});

afterAll(async () => {
  await runtime?.stop();
  await remotes?.cleanup();
});

function post(path: string, body: unknown, requestId: string): Promise<Response> {
  return fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": requestId }, body: JSON.stringify(body) });
}

describe("the runtime process", () => {
  it("is checked by a probe that sees the hooks of a process that used an AsyncLocalStorage, and none in one that did not", async () => {
    for (const [use, expected] of [["", 0], ["new AsyncLocalStorage().run(1, () => undefined);", 1]] as const) {
      const script = `import { AsyncLocalStorage } from "node:async_hooks"; ${use} process.stdout.write("ready\\n"); setInterval(() => undefined, 1000);`;
      const child = Child.start("node", [...PROBE, "--input-type=module", "-e", script], process.env, "probe control");
      try {
        await child.waitFor("the control to start", () => (child.output.includes("ready") ? true : undefined));
        expect(Math.sign(await promiseAsyncId(child))).toBe(expected);
      } finally {
        await child.stop();
      }
    }
  });

  it("serves git operations over HTTP and MCP and scrapes without ever enabling async hooks, and logs each operation with its request's id", async () => {
    const repo = await remotes.bare("hooks");
    const args = { repo_url: repo, branch: "main", agent_id: "agent-h", task_id: "task-h" };
    expect((await post("/v1/git/clone", args, "clone-1")).status).toBe(200);
    expect((await post("/v1/git/status", {}, "invalid-1")).status).toBe(400);
    const failed = await post("/v1/git/clone", { ...args, agent_id: "agent-f", repo_url: `http://127.0.0.1:${await closedPort()}/r.git` }, "failing-1");
    expect(failed.status).toBe(502);

    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { "x-request-id": "mcp-call-1" } } }));
    try {
      const result = (await client.callTool({ name: "git_clone", arguments: { ...args, agent_id: "agent-m", repo_url: `http://127.0.0.1:${await closedPort()}/m.git` } })) as CallToolResult;
      expect(result.isError).toBe(true);
    } finally {
      await client.close();
    }
    const scrape = await fetch(`${url}/metrics`, { headers: { "x-request-id": "scrape-1" } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('git_operation_total{operation="clone",status="success"} 1');

    // The git runtime's own line for each failed operation carries the id of the request that asked for it.
    expect(lines(runtime).find((l) => l.msg === "clone failed" && l.agent_id === "agent-f")).toMatchObject({ request_id: "failing-1", error_type: "network" });
    expect(lines(runtime).find((l) => l.msg === "clone failed" && l.agent_id === "agent-m")).toMatchObject({ request_id: "mcp-call-1", error_type: "network" });

    expect(await promiseAsyncId(runtime)).toBe(0);
  });
});
