// The HTTP API: one POST endpoint per git operation, /metrics for Prometheus, /healthz, the
// OpenAPI document and its rendering, and the MCP server over streamable HTTP at /mcp.
import { timingSafeEqual } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { OPERATIONS, ValidationError } from "../git/input.ts";
import type { OperationResult } from "../git/runtime.ts";
import { createMcpServer } from "../mcp/server.ts";
import type { Runtime } from "../runtime.ts";
import { renderDocs } from "./docs.ts";
import { openApiDocument, operationPath } from "./openapi.ts";
import { requestLog } from "./request-log.ts";

export const API_VERSION = "0.1.0";

export interface HttpAppOptions {
  /** When set, /v1/* and /mcp require `Authorization: Bearer <token>`. */
  token?: string;
}

const STATUS_OF: Record<string, ContentfulStatusCode> = { conflict: 409, timeout: 504 };

export function httpStatus(result: OperationResult): ContentfulStatusCode {
  return result.ok ? 200 : (STATUS_OF[result.error.type] ?? 502);
}

function bearer(token: string): MiddlewareHandler {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (c, next) => {
    const given = Buffer.from(c.req.header("authorization") ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return c.json({ error: { type: "unauthorized", message: "a bearer token is required" } }, 401, { "WWW-Authenticate": "Bearer" });
    }
    await next();
  };
}

function validationBody(message: string, issues: readonly { field: string; message: string }[]) {
  return { error: { type: "validation", message, issues } };
}

export function createHttpApp(runtime: Runtime, opts: HttpAppOptions = {}): Hono {
  const app = new Hono();
  app.use("*", requestLog(runtime.log));
  const doc = openApiDocument(runtime.git.schemas, API_VERSION);
  if (opts.token !== undefined) {
    app.use("/v1/*", bearer(opts.token));
    app.use("/mcp", bearer(opts.token));
  }

  app.get("/healthz", (c) => c.json({ status: "ok", provider: runtime.provider.name, active_sandboxes: runtime.cache.size }));

  app.get("/metrics", async (c) => {
    const registry = runtime.metrics.registry;
    return c.text(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });

  app.get("/openapi.json", (c) => c.json(doc));
  app.get("/docs", (c) => c.html(renderDocs(doc)));

  for (const operation of OPERATIONS) {
    app.post(operationPath(operation), async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json(validationBody("the body is not JSON", [{ field: "(body)", message: "must be a JSON object" }]), 400);
      }
      try {
        const result = await runtime.git.run(operation, body);
        return c.json(result, httpStatus(result));
      } catch (error) {
        if (error instanceof ValidationError) return c.json(validationBody(error.message, error.problems), 400);
        throw error;
      }
    });
  }

  // Stateless streamable HTTP: a server and transport per request, as the SDK recommends when
  // no session state is kept (every tool call carries its own agent, task and repository).
  app.all("/mcp", async (c) => {
    const server = createMcpServer(runtime.git, API_VERSION);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });

  app.notFound((c) => c.json({ error: { type: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    const message = runtime.git.redactor.text(error instanceof Error ? error.message : String(error));
    return c.json({ error: { type: "internal", message } }, 500);
  });
  return app;
}
