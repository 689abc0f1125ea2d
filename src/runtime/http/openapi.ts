// The OpenAPI document of the HTTP API, derived from the zod request schemas (zod 4's own JSON
// Schema export), so the documentation cannot drift from the validation.
import { z } from "zod";
import { OPERATIONS } from "../git/input.ts";
import type { RequestSchemas } from "../git/input.ts";

export function operationPath(operation: string): string {
  return `/v1/git/${operation}`;
}

const resultSchema = {
  type: "object",
  required: ["ok", "operation"],
  properties: {
    ok: { type: "boolean" },
    operation: { type: "string", enum: [...OPERATIONS] },
    sandbox_id: { type: "string" },
    output: { type: "string", description: "What git printed (status, diff)." },
    commit: { type: "string", description: "HEAD after the operation." },
    retries: { type: "integer", description: "Push retries after rejected pushes." },
    error: {
      type: "object",
      properties: {
        type: { type: "string", enum: ["timeout", "auth", "conflict", "network", "sandbox_not_found", "other"] },
        message: { type: "string" },
        conflicting_files: { type: "array", items: { type: "string" } },
      },
    },
  },
} as const;

const validationSchema = {
  type: "object",
  required: ["ok", "operation", "error"],
  properties: {
    ok: { const: false },
    operation: { type: "string", enum: [...OPERATIONS] },
    error: {
      type: "object",
      properties: {
        type: { const: "validation" },
        message: { type: "string" },
        issues: { type: "array", items: { type: "object", properties: { field: { type: "string" }, message: { type: "string" } } } },
      },
    },
  },
} as const;

/** The JSON Schema of a request body, as its zod schema accepts it. */
const busySchema = {
  type: "object",
  required: ["ok", "operation", "error"],
  properties: {
    ok: { const: false },
    operation: { type: "string", enum: [...OPERATIONS] },
    error: {
      type: "object",
      properties: { type: { const: "busy" }, message: { type: "string" }, retry_after_seconds: { type: "integer" } },
    },
  },
} as const;

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
        responses: {
          "200": { description: "The operation succeeded.", content: { "application/json": { schema: resultSchema } } },
          "400": { description: "The request is invalid; each issue names its field.", content: { "application/json": { schema: validationSchema } } },
          "401": { description: "A bearer token is required and was missing or wrong." },
          "403": { description: "The request came from another site (Origin, Sec-Fetch-Site) or named a host that is not loopback." },
          "413": { description: "The body is larger than MAX_REQUEST_BYTES." },
          "415": { description: "The body is not application/json." },
          "409": { description: "The operation met a conflict.", content: { "application/json": { schema: resultSchema } } },
          "502": { description: "git failed (auth, network, sandbox, other).", content: { "application/json": { schema: resultSchema } } },
          "503": {
            description: "Every sandbox slot stayed busy for SANDBOX_WAIT_SECONDS; retry after the Retry-After header's seconds.",
            content: { "application/json": { schema: busySchema } },
          },
          "504": { description: "git timed out.", content: { "application/json": { schema: resultSchema } } },
        },
      },
    };
  }
  paths["/metrics"] = { get: { summary: "Prometheus metrics (text exposition format).", responses: { "200": { description: "Metrics." } } } };
  paths["/healthz"] = { get: { summary: "Liveness.", responses: { "200": { description: "Alive." } } } };
  paths["/mcp"] = { post: { summary: "MCP server git_operations over streamable HTTP.", responses: { "200": { description: "JSON-RPC response." } } } };
  return {
    openapi: "3.1.0",
    info: { title: "obsgen git runtime", version, description: "Git operations run by agents in sandboxes, instrumented by the generated metrics module." },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
