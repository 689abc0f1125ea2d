// Serves the HTTP API with @hono/node-server. Listening beyond loopback without a bearer token is
// refused: the API runs git with the runtime's credentials.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Runtime } from "../runtime.ts";
import { createHttpApp } from "./app.ts";
import { withMetricsFastPath } from "./metrics-fast-path.ts";

export interface ServeOptions {
  host: string;
  port: number;
  token?: string;
  /** Bodies above this many bytes are refused with 413; 10 MiB by default. */
  maxRequestBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

export class InsecureBindError extends Error {
  constructor(host: string) {
    super(`refusing to listen on ${host} without RUNTIME_TOKEN: set a bearer token, or listen on 127.0.0.1`);
    this.name = "InsecureBindError";
  }
}

export async function startHttpServer(runtime: Runtime, opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token === "" ? undefined : opts.token;
  if (!isLoopback(opts.host) && token === undefined) throw new InsecureBindError(opts.host);
  const app = createHttpApp(runtime, { token, maxRequestBytes: opts.maxRequestBytes, loopbackOnly: isLoopback(opts.host) });
  // What @hono/node-server's serve() does, with scrapes answered before hono (metrics-fast-path.ts).
  const server = createServer(withMetricsFastPath(runtime.metrics.registry, getRequestListener(app.fetch, { hostname: opts.host })));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
