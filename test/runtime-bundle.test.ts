// The runtime image's layout (Dockerfile): package.json and dist/runtime, no node_modules. The
// runtime's packages are devDependencies of obsgen, so the build bundles them into dist/runtime;
// started from a copy of just those files it serves /metrics and /docs, loads the E2B provider
// when E2B_API_KEY is set, and exits 0 on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDist, ROOT } from "./support/build.ts";

let image = "";

beforeAll(async () => {
  await buildDist("runtime");
  image = mkdtempSync(join(tmpdir(), "obsgen-image-"));
  cpSync(join(ROOT, "package.json"), join(image, "package.json"));
  cpSync(join(ROOT, "dist", "runtime"), join(image, "dist", "runtime"), { recursive: true });
}, 120_000);

afterAll(() => {
  if (image) rmSync(image, { recursive: true, force: true });
});

/** Starts the copied runtime on a free port and resolves with its first log line. */
function start(env: Record<string, string>): Promise<{ child: ChildProcess; line: { msg: string; provider: string; docs: string } }> {
  const child = spawn(process.execPath, ["dist/runtime/main.js"], {
    cwd: image,
    env: { PATH: process.env.PATH ?? "", HOME: image, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      err += chunk;
      const first = err.split("\n")[0];
      if (err.includes("\n") && first) {
        try {
          resolve({ child, line: JSON.parse(first) as { msg: string; provider: string; docs: string } });
        } catch {
          reject(new Error(`runtime: ${err}`));
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`runtime exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("the runtime bundle", () => {
  it("has no node_modules to resolve a package from", () => {
    for (let d = image; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, "node_modules")), d).toBe(false);
  });

  it("loads the MCP SDK, ajv and the OpenAPI document only when they are asked for, not at start", () => {
    const meta = JSON.parse(readFileSync(join(ROOT, "dist", "runtime.meta.json"), "utf8")) as {
      outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
    };
    // Everything `node dist/runtime/main.js` loads before it listens: the entry and its static imports.
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
    };
    visit("dist/runtime/main.js");
    const inputs = [...loaded].flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
    expect(inputs).toContain("src/runtime/http/metrics-fast-path.ts");
    for (const lazy of ["node_modules/@modelcontextprotocol/", "node_modules/ajv/", "src/runtime/mcp/server.ts", "src/runtime/http/openapi.ts", "src/runtime/http/docs.ts", "node_modules/e2b/"]) {
      expect(inputs.filter((i) => i.includes(lazy)), lazy).toEqual([]);
    }
  });

  it("serves /metrics and /docs with the local provider, and exits 0 on SIGTERM", async () => {
    const { child, line } = await start({});
    try {
      expect(line.provider).toBe("local");
      const base = line.docs.replace(/\/docs$/, "");
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^git_operation_total\{/m);
      expect((await fetch(line.docs)).status).toBe(200);
      const mcp = await fetch(`${base}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(((await mcp.json()) as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name)).toContain("git_status");
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it("loads the E2B provider when E2B_API_KEY is set", async () => {
    const { child, line } = await start({ E2B_API_KEY: "e2b_test_key_not_used" });
    try {
      expect(line.provider).toBe("e2b");
      expect((await fetch(line.docs.replace(/\/docs$/, "/metrics"))).status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });
});
