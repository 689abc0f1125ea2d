// Per request: an id (the caller's X-Request-Id when safe, else a new UUID) returned in the
// X-Request-Id header and inside every JSON error body, and one log line with the route (never
// the raw URL, whose query may hold a token), status, duration, and for git operations the
// operation, agent, task and error type.
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { OPERATIONS } from "../git/input.ts";
import { requestIdFrom, type Logger } from "../log.ts";
import { operationPath } from "./paths.ts";

export const REQUEST_ID_HEADER = "X-Request-Id";

/** The request's id, for the handlers to pass on to what they call (`c.get("requestId")`). */
export interface RequestEnv {
  Variables: { requestId: string };
}
/** Scrapes and health probes succeed every few seconds; logging each would bury everything else. */
const QUIET_ROUTES = new Set(["/metrics", "/healthz"]);
const OPERATION_OF = new Map(OPERATIONS.map((op) => [operationPath(op), op]));

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function objectField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}

export function requestLog(log: Logger): MiddlewareHandler<RequestEnv> {
  return async (c, next) => {
    const started = performance.now();
    const id = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set("requestId", id);
    await next();
    const duration = Math.round((performance.now() - started) * 1000) / 1000;
    c.res.headers.set(REQUEST_ID_HEADER, id);
    const route = routePath(c, -1);
    const status = c.res.status;
    let errorType: string | undefined;
    if (status >= 400 && (c.res.headers.get("content-type") ?? "").includes("application/json")) {
      const body: unknown = await c.res.clone().json().catch(() => undefined);
      const error = objectField(body, "error");
      errorType = asString(objectField(error, "type"));
      // Only the API's own error shape ({error: {type, message}}); JSON-RPC errors of /mcp stay as they are.
      if (typeof error === "object" && error !== null && errorType !== undefined) {
        const headers = new Headers(c.res.headers);
        headers.delete("content-length");
        c.res = new Response(JSON.stringify({ ...(body as object), error: { ...error, request_id: id } }), { status, headers });
      }
    }
    if (status < 400 && QUIET_ROUTES.has(route)) return;
    const operation = OPERATION_OF.get(route);
    // The handler parsed the body already; Hono hands back its cached copy.
    const body: unknown = operation !== undefined ? await c.req.json().catch(() => undefined) : undefined;
    log({
      level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      msg: `${c.req.method} ${route} ${status}`,
      request_id: id,
      method: c.req.method,
      route,
      status,
      operation,
      agent_id: asString(objectField(body, "agent_id")),
      task_id: asString(objectField(body, "task_id")),
      duration_ms: duration,
      error_type: errorType,
    });
  };
}
