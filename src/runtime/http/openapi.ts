// The OpenAPI document of the HTTP API, derived from zod schemas (zod 4's own JSON Schema
// export): the request bodies are the schemas that validate them, and every response status an
// endpoint really returns has its schema and an example, so the documentation cannot drift.
import { z } from "zod";
import { OPERATIONS, type Operation } from "../git/input.ts";
import type { RequestSchemas } from "../git/input.ts";
import type { OperationResult } from "../git/runtime.ts";
import { ERROR_TYPES, type ErrorType } from "../sandbox/provider.ts";
import { operationPath } from "./paths.ts";

export { operationPath };

/** Operations that can meet a conflict (a rebase that conflicts, a push rejected until it gives up): only they answer 409. */
export const CONFLICTING_OPERATIONS: readonly Operation[] = ["pull", "push"];

export const operationSuccess = z.object({
  ok: z.literal(true),
  operation: z.enum(OPERATIONS),
  sandbox_id: z.string().describe("The sandbox that ran the operation (reused per agent, task and repository)."),
  output: z.string().describe("What git printed (status, diff); empty for clone, pull and push."),
  commit: z.string().optional().describe("HEAD after the operation."),
  retries: z.number().int().optional().describe("Push retries after rejected (non-fast-forward) pushes."),
  note: z.string().optional().describe("Why nothing was done, e.g. already cloned."),
});

/** Every JSON error body names the request (also in the X-Request-Id header) so it can be found in the logs. */
const requestId = z.string().optional().describe("The request's id, as in the X-Request-Id response header and the log lines.");

/** A failed operation; over HTTP (`http`) its error also names the request. */
function failure(types: readonly ErrorType[], http = false) {
  return z.object({
    ok: z.literal(false),
    operation: z.enum(OPERATIONS),
    retries: z.number().int().optional().describe("For a push: the re-pushes made before it failed."),
    error: z.object({
      type: z.enum(types as [ErrorType, ...ErrorType[]]).describe("The classified error type (also the error_type label of git_errors_total)."),
      message: z.string().describe("What went wrong; credentials are redacted."),
      conflicting_files: z.array(z.string()).optional().describe("Files a rebase conflicted in."),
      ...(http ? { request_id: requestId } : {}),
    }),
  });
}

export const operationFailure = failure(ERROR_TYPES);

// The documented result is the runtime's: this fails to compile when they part.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const resultMatches: Same<OperationResult, z.infer<typeof operationSuccess> | z.infer<typeof operationFailure>> = true;
void resultMatches;

export const validationError = z.object({
  ok: z.literal(false),
  operation: z.enum(OPERATIONS),
  error: z.object({
    type: z.literal("validation"),
    message: z.string(),
    issues: z.array(z.object({ field: z.string().describe("The request field, e.g. commit.files.0.path."), message: z.string() })).describe("One entry per invalid field."),
    request_id: requestId,
  }),
});

export const busyError = z.object({
  ok: z.literal(false),
  operation: z.enum(OPERATIONS),
  error: z.object({
    type: z.literal("busy"),
    message: z.string(),
    retry_after_seconds: z.number().int().describe("Also the Retry-After header."),
    request_id: requestId,
  }),
});

function errorBody<T extends string>(type: T) {
  return z.object({ ok: z.literal(false), error: z.object({ type: z.literal(type), message: z.string(), request_id: requestId }) });
}

export const unauthorizedError = errorBody("unauthorized");
export const forbiddenError = errorBody("forbidden");
export const payloadTooLargeError = errorBody("payload_too_large");
export const unsupportedMediaTypeError = errorBody("unsupported_media_type");
export const internalError = errorBody("internal");

export const healthBody = z.object({
  status: z.literal("ok"),
  provider: z.string().describe("The sandbox provider: local or e2b."),
  active_sandboxes: z.number().int().describe("Sandboxes alive in the cache now."),
});

export const jsonRpcError = z.object({
  jsonrpc: z.literal("2.0"),
  error: z.object({ code: z.number().int(), message: z.string() }),
  id: z.null(),
});

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
  return rest;
}

interface Documented {
  description: string;
  schema: z.ZodType;
  example: unknown;
  mediaType?: string;
  headers?: Record<string, unknown>;
}

function response(r: Documented): Record<string, unknown> {
  return {
    description: r.description,
    ...(r.headers ? { headers: r.headers } : {}),
    content: { [r.mediaType ?? "application/json"]: { schema: jsonSchema(r.schema), example: r.example } },
  };
}

const UNAUTHORIZED: Documented = {
  description: "Only when the server was started with a token (RUNTIME_TOKEN): the bearer token was missing or wrong.",
  schema: unauthorizedError,
  example: { ok: false, error: { type: "unauthorized", message: "a bearer token is required" } },
  headers: { "WWW-Authenticate": { schema: { type: "string" }, example: "Bearer" } },
};

const INTERNAL: Documented = {
  description: "An unexpected error in the runtime; the message is redacted.",
  schema: internalError,
  example: { ok: false, error: { type: "internal", message: "sandbox provider failed to start" } },
};

// Refusals of the browser and size guards (guards.ts), the same for every operation and /mcp.
const FORBIDDEN: Documented = {
  description: "The request came from another site (Origin, Sec-Fetch-Site: cross-site) or, on loopback, named a Host that is not loopback (DNS rebinding).",
  schema: forbiddenError,
  example: { ok: false, error: { type: "forbidden", message: "cross-site requests are refused" } },
};

const TOO_LARGE: Documented = {
  description: "The body is larger than MAX_REQUEST_BYTES (10 MiB by default).",
  schema: payloadTooLargeError,
  example: { ok: false, error: { type: "payload_too_large", message: "the body exceeds 10485760 bytes" } },
};

const UNSUPPORTED: Documented = {
  description: "The body is not application/json (a missing Content-Type included).",
  schema: unsupportedMediaTypeError,
  example: { ok: false, error: { type: "unsupported_media_type", message: "the body must be application/json" } },
};

function operationResponses(operation: Operation): Record<string, unknown> {
  const sandbox = "sbx-3f2a9c";
  const ok = {
    clone: { ok: true, operation, sandbox_id: sandbox, output: "" },
    status: { ok: true, operation, sandbox_id: sandbox, output: "## main...origin/main\n M README.md\n" },
    diff: { ok: true, operation, sandbox_id: sandbox, output: "diff --git a/README.md b/README.md\n-old\n+new\n" },
    pull: { ok: true, operation, sandbox_id: sandbox, output: "", commit: "9fceb02d0ae598e95dc970b74767f19372d61af8" },
    push: { ok: true, operation, sandbox_id: sandbox, output: "", commit: "9fceb02d0ae598e95dc970b74767f19372d61af8", retries: 1 },
  }[operation];
  const responses: Record<string, Documented> = {
    "200": { description: "The operation succeeded.", schema: operationSuccess, example: ok },
    "400": {
      description: "The request is invalid; each issue names its field.",
      schema: validationError,
      example: { ok: false, operation, error: { type: "validation", message: "branch: must not start with '-'", issues: [{ field: "branch", message: "must not start with '-'" }] } },
    },
    "401": UNAUTHORIZED,
    "403": FORBIDDEN,
  };
  if (CONFLICTING_OPERATIONS.includes(operation)) {
    responses["409"] = {
      description: "The operation met a conflict: a rebase onto the remote branch conflicted (aborted, local commits kept), or the push was rejected on every retry.",
      schema: failure(["conflict"], true),
      example: { ok: false, operation, error: { type: "conflict", message: "rebase onto origin/main conflicts in README.md; rebase aborted, local commits kept", conflicting_files: ["README.md"] } },
    };
  }
  responses["413"] = TOO_LARGE;
  responses["415"] = UNSUPPORTED;
  responses["500"] = INTERNAL;
  responses["502"] = {
    description: "git failed: authentication, network, a missing sandbox, or another error.",
    schema: failure(ERROR_TYPES.filter((t) => t !== "conflict" && t !== "timeout"), true),
    example: { ok: false, operation, error: { type: "auth", message: "fatal: Authentication failed for 'https://git.example.com/team/repo.git/'" } },
  };
  responses["503"] = {
    description: "Every sandbox slot stayed busy for SANDBOX_WAIT_SECONDS; retry after the Retry-After header's seconds.",
    schema: busyError,
    example: { ok: false, operation, error: { type: "busy", message: "every sandbox slot stayed busy for 30 s", retry_after_seconds: 5 } },
    headers: { "Retry-After": { schema: { type: "integer" }, example: 5 } },
  };
  responses["504"] = {
    description: "git or the sandbox timed out.",
    schema: failure(["timeout"], true),
    example: { ok: false, operation, error: { type: "timeout", message: "git timed out after 120000 ms" } },
  };
  return Object.fromEntries(Object.entries(responses).map(([status, r]) => [status, response(r)]));
}

const METRICS_EXAMPLE = '# HELP git_operation_total Git operations by operation and outcome.\n# TYPE git_operation_total counter\ngit_operation_total{operation="clone",status="success"} 1\n';

/** A request's JSON Schema, as the OpenAPI document and the MCP tools' input schemas show it. */
export function requestJsonSchema(schema: RequestSchemas[keyof RequestSchemas]): Record<string, unknown> {
  const { $schema: _dialect, ...body } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return body;
}

export function openApiDocument(schemas: RequestSchemas, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const operation of OPERATIONS) {
    const schema = schemas[operation];
    const body = requestJsonSchema(schema);
    paths[operationPath(operation)] = {
      post: {
        operationId: `git_${operation}`,
        summary: schema.description,
        tags: ["git"],
        security: [{}, { bearer: [] }],
        requestBody: { required: true, content: { "application/json": { schema: body } } },
        responses: operationResponses(operation),
      },
    };
  }
  paths["/metrics"] = {
    get: {
      operationId: "metrics",
      summary: "Prometheus metrics (text exposition format).",
      responses: { "200": response({ description: "Metrics.", schema: z.string(), example: METRICS_EXAMPLE, mediaType: "text/plain; version=0.0.4" }) },
    },
  };
  paths["/healthz"] = {
    get: {
      operationId: "healthz",
      summary: "Liveness.",
      responses: { "200": response({ description: "Alive.", schema: healthBody, example: { status: "ok", provider: "local", active_sandboxes: 2 } }) },
    },
  };
  paths["/openapi.json"] = {
    get: { operationId: "openapi", summary: "This document.", responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } } } },
  };
  paths["/docs"] = {
    get: { operationId: "docs", summary: "This document as an HTML page.", responses: { "200": { description: "HTML.", content: { "text/html": { schema: { type: "string" } } } } } },
  };
  const rpcError = (code: number, message: string): Documented["example"] => ({ jsonrpc: "2.0", error: { code, message }, id: null });
  paths["/mcp"] = {
    post: {
      operationId: "mcp",
      summary: "MCP server git_operations over streamable HTTP (stateless, JSON responses).",
      security: [{}, { bearer: [] }],
      responses: {
        "200": { description: "The JSON-RPC response (a tool result, or a JSON-RPC error inside it).", content: { "application/json": { schema: { type: "object" } } } },
        "202": { description: "Accepted: the request held only notifications or responses." },
        "400": response({ description: "Not a JSON-RPC message, or a bad batch.", schema: jsonRpcError, example: rpcError(-32700, "Parse error: Invalid JSON") }),
        "401": response(UNAUTHORIZED),
        "403": response(FORBIDDEN),
        "406": response({ description: "The Accept header does not allow both application/json and text/event-stream.", schema: jsonRpcError, example: rpcError(-32000, "Not Acceptable: Client must accept both application/json and text/event-stream") }),
        "413": response(TOO_LARGE),
        "415": response(UNSUPPORTED),
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "obsgen git runtime", version, description: "Git operations run by agents in sandboxes, instrumented by the generated metrics module." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
