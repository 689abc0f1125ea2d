// The git runtime's entry point, run as a plain node process from the build (`npm start` builds
// dist/ first, then runs `node dist/runtime/main.js`): HTTP on 127.0.0.1:8000 (HOST, PORT) with the
// local sandbox, or E2B when E2B_API_KEY is set. With `--mcp-stdio` it serves the MCP server
// git_operations on stdin and stdout instead (logs go to stderr); an MCP client runs
// `node dist/runtime/main.js --mcp-stdio`. SIGINT, SIGTERM and, on stdio, the end of stdin kill
// every sandbox before the process exits.
import { ratePerSandboxHour } from "../../generated/metrics.ts";
import { costRateFromEnv } from "./cost.ts";
import { credentialHostsFromEnv } from "./git/credentials.ts";
import { DEFAULT_MAX_REQUEST_BYTES } from "./http/guards.ts";
import { startHttpServer } from "./http/server.ts";
import { createRuntime } from "./runtime.ts";
import { createJsonLogger, type Logger } from "./log.ts";
import { createLocalProvider } from "./sandbox/local.ts";
import type { SandboxProvider } from "./sandbox/provider.ts";

type Env = Readonly<Record<string, string | undefined>>;

// JSON lines on stderr (docs/LOGS.md); every string passes the redactor of the git runtime below.
let redact: (text: string) => string = (text) => text;
const log: Logger = createJsonLogger({ write: (text) => process.stderr.write(text), redact: (text) => redact(text) });

async function provider(env: Env): Promise<SandboxProvider> {
  if (!env["E2B_API_KEY"]) return createLocalProvider();
  const module = (await import("./sandbox/e2b.ts").catch((error: unknown) => {
    throw new Error(`E2B_API_KEY is set but the E2B provider cannot be loaded: ${String(error)}`);
  })) as typeof import("./sandbox/e2b.ts");
  const options = module.e2bOptionsFromEnv(env);
  if (options === undefined) throw new Error("E2B_API_KEY is set but empty");
  return module.createE2BProvider(options);
}

function positiveInt(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${key} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(argv: readonly string[], env: Env): Promise<void> {
  const sandboxes = await provider(env);
  const rateEnv = env["SANDBOX_COST_PER_HOUR"] === undefined && env["E2B_COST_PER_SANDBOX_HOUR"] !== undefined
    ? { SANDBOX_COST_PER_HOUR: env["E2B_COST_PER_SANDBOX_HOUR"] }
    : env;
  const username = env["GIT_USERNAME"];
  const password = env["GIT_PASSWORD"] ?? env["GIT_TOKEN"];
  const runtime = createRuntime({
    provider: sandboxes,
    ratePerSandboxHour: costRateFromEnv(rateEnv, ratePerSandboxHour),
    sandboxTtlMs: positiveInt(env, "SANDBOX_TTL_SECONDS", 900) * 1000,
    maxActiveSandboxes: positiveInt(env, "MAX_ACTIVE_SANDBOXES", 50),
    sandboxWaitMs: positiveInt(env, "SANDBOX_WAIT_SECONDS", 30) * 1000,
    commandTimeoutMs: positiveInt(env, "GIT_TIMEOUT_SECONDS", 120) * 1000,
    project: env["RUNTIME_PROJECT"] || "default",
    // Test setups only: lets the runtime use remotes on this machine (paths, file://, http://).
    allowLocalRemotes: env["RUNTIME_ALLOW_LOCAL_REMOTES"] === "1",
    credentials: password === undefined ? undefined : { username: username ?? "x-access-token", password },
    credentialHosts: credentialHostsFromEnv(env),
    log,
  });
  redact = (text) => runtime.git.redactor.text(text);

  let stop: () => Promise<void> = () => runtime.shutdown();
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log({ level: "info", msg: `${reason}: killing every sandbox and exiting` });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log({ level: "error", msg: "shutdown failed", error: runtime.git.redactor.text(String(error)) });
        process.exit(70);
      },
    );
  };
  // Before anything announces itself: a process manager may signal as soon as it reads "listening".
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => shutdown(signal));

  if (argv.includes("--mcp-stdio")) {
    // Loaded only here and for /mcp: an HTTP runtime that serves no MCP client never holds the SDK.
    const [{ createMcpServer }, { StdioServerTransport }] = await Promise.all([import("./mcp/server.ts"), import("@modelcontextprotocol/sdk/server/stdio.js")]);
    const server = createMcpServer(runtime);
    const transport = new StdioServerTransport();
    // The client went away (it closed our stdin, or exited): nobody can use the sandboxes now.
    process.stdin.once("end", () => shutdown("stdin closed"));
    process.stdin.once("close", () => shutdown("stdin closed"));
    await server.connect(transport);
    stop = async () => {
      await server.close();
      await runtime.shutdown();
    };
    log({ level: "info", msg: "MCP server git_operations on stdio", provider: sandboxes.name, pid: process.pid });
  } else {
    const http = await startHttpServer(runtime, {
      host: env["HOST"] || "127.0.0.1",
      port: positiveInt(env, "PORT", 8000),
      token: env["RUNTIME_TOKEN"],
      maxRequestBytes: positiveInt(env, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES),
    }).catch(async (error: unknown) => {
      await runtime.shutdown();
      throw error;
    });
    stop = async () => {
      await http.close();
      await runtime.shutdown();
    };
    log({ level: "info", msg: `git runtime listening on ${http.url}`, provider: sandboxes.name, docs: `${http.url}/docs`, pid: process.pid });
  }
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  log({ level: "error", msg: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
