// The HTTP API: one POST endpoint per git operation, /metrics for Prometheus, /healthz, the
// OpenAPI document and its rendering, and the MCP server over streamable HTTP at /mcp.
//
// The MCP SDK (with its own zod schemas and ajv) and the OpenAPI document (built from zod schemas)
// are loaded the first time /mcp, /openapi.json or /docs is asked for: most runtimes serve git
// operations and scrapes only, and a module loaded is memory held for the process's life. The
// build (scripts/build.mjs) makes each a chunk of its own.
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { OPERATIONS, ValidationError } from "../git/input.ts";
import { type RunResult, validationResult } from "../results.ts";
import type { Runtime } from "../runtime.ts";
import { bearer, DEFAULT_MAX_REQUEST_BYTES, jsonBodyOnly, requestSizeLimit, sameOriginOnly } from "./guards.ts";
import { operationPath } from "./paths.ts";
import { requestLog, type RequestEnv } from "./request-log.ts";

export const API_VERSION = "0.1.0";

export interface HttpAppOptions {
  /** When set, /v1/* and /mcp require `Authorization: Bearer <token>`. */
  token?: string;
  /** Bodies above this many bytes are refused with 413 (MAX_REQUEST_BYTES). */
  maxRequestBytes?: number;
  /**
   * The server listens on loopback only: a Host header naming anything else is a DNS-rebinding
   * page and is refused. Off behind a proxy (the token guards the API there).
   */
  loopbackOnly?: boolean;
}

const STATUS_OF: Record<string, ContentfulStatusCode> = { conflict: 409, timeout: 504, busy: 503 };

export function httpStatus(result: RunResult): ContentfulStatusCode {
  return result.ok ? 200 : (STATUS_OF[result.error.type] ?? 502);
}

export function createHttpApp(runtime: Runtime, opts: HttpAppOptions = {}): Hono<RequestEnv> {
  const app = new Hono<RequestEnv>();
  app.use("*", requestLog(runtime.log));
  let doc: Promise<Record<string, unknown>> | undefined;
  const openApi = () => (doc ??= import("./openapi.ts").then((m) => m.openApiDocument(runtime.git.schemas, API_VERSION)));
  for (const path of ["/v1/*", "/mcp"]) {
    app.use(path, sameOriginOnly({ loopbackOnly: opts.loopbackOnly ?? false }));
    if (opts.token !== undefined) app.use(path, bearer(opts.token));
    app.use(path, jsonBodyOnly());
    app.use(path, requestSizeLimit(opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES));
  }

  app.get("/healthz", (c) => c.json({ status: "ok", provider: runtime.provider.name, active_sandboxes: runtime.cache.size }));

  app.get("/metrics", async (c) => {
    const registry = runtime.metrics.registry;
    return c.text(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });

  app.get("/openapi.json", async (c) => c.json(await openApi()));
  app.get("/docs", async (c) => {
    const [document, { renderDocs }] = await Promise.all([openApi(), import("./docs.ts")]);
    return c.html(renderDocs(document));
  });

  for (const operation of OPERATIONS) {
    app.post(operationPath(operation), async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json(validationResult(operation, "the body is not JSON", [{ field: "(body)", message: "must be a JSON object" }]), 400);
      }
      try {
        const result = await runtime.run(operation, body, { requestId: c.get("requestId") });
        const headers = !result.ok && result.error.type === "busy" ? { "Retry-After": String(result.error.retry_after_seconds) } : undefined;
        return c.json(result, httpStatus(result), headers);
      } catch (error) {
        if (error instanceof ValidationError) return c.json(validationResult(operation, error.message, error.problems), 400);
        throw error;
      }
    });
  }

  // Stateless streamable HTTP: a server and transport per request, as the SDK recommends when
  // no session state is kept (every tool call carries its own agent, task and repository).
  app.all("/mcp", async (c) => {
    const [{ createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await Promise.all([
      import("../mcp/server.ts"),
      import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
    ]);
    const server = createMcpServer(runtime, { version: API_VERSION, requestId: c.get("requestId") });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });

  app.notFound((c) => c.json({ ok: false, error: { type: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    const message = runtime.git.redactor.text(error instanceof Error ? error.message : String(error));
    return c.json({ ok: false, error: { type: "internal", message } }, 500);
  });
  return app;
}
