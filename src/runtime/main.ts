// `npm start`: the git runtime on 127.0.0.1:8000 (HOST, PORT) with the local sandbox, or E2B when
// E2B_API_KEY is set. `npm start -- --mcp-stdio` serves the MCP server git_operations on stdin and
// stdout instead (logs go to stderr). SIGINT/SIGTERM kill every sandbox before exiting.
import { fileURLToPath } from "node:url";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { loadModel } from "../model/resolve.ts";
import { costRateFromEnv } from "./cost.ts";
import { startHttpServer } from "./http/server.ts";
import { createMcpServer } from "./mcp/server.ts";
import { createRuntime } from "./runtime.ts";
import { createJsonLogger, type Logger } from "./log.ts";
import { createLocalProvider } from "./sandbox/local.ts";
import type { SandboxProvider } from "./sandbox/provider.ts";

const SPEC_PATH = fileURLToPath(new URL("../../metrics-spec/git-operations.yaml", import.meta.url));
const SERVICE = "git-operations";

type Env = Readonly<Record<string, string | undefined>>;

// JSON lines on stderr (docs/LOGS.md); every string passes the redactor of the git runtime below.
let redact: (text: string) => string = (text) => text;
const log: Logger = createJsonLogger({ write: (text) => process.stderr.write(text), redact: (text) => redact(text) });

function specRate(): number {
  const { model } = loadModel(SPEC_PATH);
  const service = model.services.find((s) => s.name === SERVICE);
  const rate = service?.spec.cost?.ratePerSandboxHour;
  if (rate === undefined) throw new Error(`${SPEC_PATH} declares no cost.ratePerSandboxHour for ${SERVICE}`);
  return rate;
}

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
    ratePerSandboxHour: costRateFromEnv(rateEnv, specRate()),
    sandboxTtlMs: positiveInt(env, "SANDBOX_TTL_SECONDS", 900) * 1000,
    maxActiveSandboxes: positiveInt(env, "MAX_ACTIVE_SANDBOXES", 50),
    commandTimeoutMs: positiveInt(env, "GIT_TIMEOUT_SECONDS", 120) * 1000,
    project: env["RUNTIME_PROJECT"] || "default",
    // Test setups only: lets the runtime use remotes on this machine (paths, file://, http://).
    allowLocalRemotes: env["RUNTIME_ALLOW_LOCAL_REMOTES"] === "1",
    credentials: password === undefined ? undefined : { username: username ?? "x-access-token", password },
    log,
  });
  redact = (text) => runtime.git.redactor.text(text);

  let stop: () => Promise<void> = () => runtime.shutdown();
  if (argv.includes("--mcp-stdio")) {
    const server = createMcpServer(runtime.git);
    await server.connect(new StdioServerTransport());
    stop = async () => {
      await server.close();
      await runtime.shutdown();
    };
    log({ level: "info", msg: "MCP server git_operations on stdio", provider: sandboxes.name });
  } else {
    const http = await startHttpServer(runtime, {
      host: env["HOST"] || "127.0.0.1",
      port: positiveInt(env, "PORT", 8000),
      token: env["RUNTIME_TOKEN"],
    }).catch(async (error: unknown) => {
      await runtime.shutdown();
      throw error;
    });
    stop = async () => {
      await http.close();
      await runtime.shutdown();
    };
    log({ level: "info", msg: `git runtime listening on ${http.url}`, provider: sandboxes.name, docs: `${http.url}/docs` });
  }

  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log({ level: "info", msg: `${signal}: killing every sandbox and exiting` });
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          log({ level: "error", msg: "shutdown failed", error: runtime.git.redactor.text(String(error)) });
          process.exit(70);
        },
      );
    });
  }
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  log({ level: "error", msg: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
