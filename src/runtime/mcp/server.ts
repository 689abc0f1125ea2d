// The MCP server `git_operations`: one tool per git operation (git_clone, git_status, git_diff,
// git_pull, git_push) taking repo_url, branch, agent_id and task_id, as in the guide's example.
// The tools' input schemas are the same zod schemas the HTTP API validates with, and a tool answers
// exactly what the HTTP API answers: the operation's result, or `{ ok: false, error: { type:
// "validation", message, issues } }` naming each bad field. The low-level Server is used because
// McpServer validates arguments itself and answers a bad one with its own error text.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, type CallToolResult, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { OPERATIONS, type Operation, ValidationError } from "../git/input.ts";
import { requestJsonSchema } from "../http/openapi.ts";
import { validationResult } from "../results.ts";
import type { Runtime } from "../runtime.ts";

export const MCP_SERVER_NAME = "git_operations";

export function toolName(operation: Operation): `git_${Operation}` {
  return `git_${operation}`;
}

const OPERATION_OF_TOOL: ReadonlyMap<string, Operation> = new Map(OPERATIONS.map((op) => [toolName(op), op]));

function toolResult(body: { ok: boolean }): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(body) }], isError: !body.ok };
}

export interface McpServerOptions {
  version?: string;
  /**
   * The id of the HTTP request this server answers (over streamable HTTP a server serves one
   * request); the tool calls' log lines carry it. None on stdio, where there is no HTTP request.
   */
  requestId?: string;
}

export function createMcpServer(runtime: Pick<Runtime, "git" | "run">, opts: McpServerOptions = {}): Server {
  const server = new Server({ name: MCP_SERVER_NAME, version: opts.version ?? "0.1.0" }, { capabilities: { tools: {} } });
  const tools: Tool[] = OPERATIONS.map((operation) => {
    const schema = runtime.git.schemas[operation];
    return { name: toolName(operation), description: schema.description ?? operation, inputSchema: { ...requestJsonSchema(schema), type: "object" } };
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const operation = OPERATION_OF_TOOL.get(request.params.name);
    if (operation === undefined) throw new McpError(ErrorCode.InvalidParams, `no tool ${request.params.name}; the tools are ${[...OPERATION_OF_TOOL.keys()].join(", ")}`);
    try {
      return toolResult(await runtime.run(operation, request.params.arguments ?? {}, { requestId: opts.requestId }));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return toolResult(validationResult(operation, error.message, error.problems));
    }
  });
  return server;
}
