// The MCP server `git_operations`: one tool per git operation (git_clone, git_status, git_diff,
// git_pull, git_push) taking repo_url, branch, agent_id and task_id, as in the guide's example.
// The tools' input schemas are the same zod schemas the HTTP API validates with.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { OPERATIONS, type Operation, ValidationError } from "../git/input.ts";
import type { GitRuntime } from "../git/runtime.ts";

export const MCP_SERVER_NAME = "git_operations";

export function toolName(operation: Operation): `git_${Operation}` {
  return `git_${operation}`;
}

export function createMcpServer(git: GitRuntime, version = "0.1.0"): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version });
  for (const operation of OPERATIONS) {
    const schema = git.schemas[operation];
    server.registerTool(
      toolName(operation),
      { description: schema.description ?? operation, inputSchema: schema },
      async (args: unknown): Promise<CallToolResult> => {
        try {
          const result = await git.run(operation, args);
          return { content: [{ type: "text", text: JSON.stringify(result) }], isError: !result.ok };
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const body = { ok: false, operation, error: { type: "validation", message: error.message, issues: error.problems } };
          return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
        }
      },
    );
  }
  return server;
}
