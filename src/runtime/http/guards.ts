// Request guards in front of /v1/* and /mcp. The API runs git with the runtime's credentials and
// needs no token on loopback, so a web page a developer opens must not be able to drive it:
// - a browser sends `Content-Type: text/plain` cross-site without a CORS preflight, so a body that
//   is not application/json is refused (415) — a JSON body from another site needs a preflight,
//   which this server never answers;
// - a request a browser marks as coming from another site (Origin, Sec-Fetch-Site) is refused (403);
// - on loopback, a Host header that is not a loopback name is refused (403): a DNS-rebinding page
//   is same-origin with its own host name, and this is what tells it apart;
// - bodies above a size limit are refused (413) while they stream in, never parsed whole.
import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Default of MAX_REQUEST_BYTES: 10 MiB. */
export const DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

function refusal(c: Context, status: 401 | 403 | 413 | 415, type: string, message: string, headers?: Record<string, string>): Response {
  return c.json({ ok: false, error: { type, message } }, status, headers);
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/**
 * Refuses requests a browser sends on behalf of another site. A request without Origin and
 * Sec-Fetch-Site (curl, SDK clients, servers) is not from a browser page and passes.
 */
export function sameOriginOnly(opts: { loopbackOnly: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header("host") ?? "";
    if (opts.loopbackOnly && !LOOPBACK_HOST.test(host)) {
      return refusal(c, 403, "forbidden", `Host ${JSON.stringify(host)} is not this server's loopback address`);
    }
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site.toLowerCase() === "cross-site") {
      return refusal(c, 403, "forbidden", "cross-site requests are refused");
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && originHost(origin) !== host.toLowerCase()) {
      return refusal(c, 403, "forbidden", `requests from origin ${JSON.stringify(origin)} are refused`);
    }
    await next();
  };
}

/** host[:port] of an Origin header, lower case; undefined for "null" and anything unparsable. */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/** A request that carries a body must declare it as application/json (parameters allowed). */
export function jsonBodyOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (!METHODS_WITHOUT_BODY.has(c.req.method)) {
      const type = c.req.header("content-type");
      const media = type?.split(";")[0]?.trim().toLowerCase();
      if (media !== "application/json") {
        return refusal(c, 415, "unsupported_media_type", `the body must be application/json, got ${type === undefined ? "no Content-Type" : JSON.stringify(type)}`);
      }
    }
    await next();
  };
}

/**
 * Refuses a body above `maxBytes` with 413. hono's bodyLimit trusts Content-Length (node's HTTP
 * parser never delivers more than it declares) and counts a chunked body as it streams in.
 */
export function requestSizeLimit(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) => refusal(c, 413, "payload_too_large", `the body is larger than ${maxBytes} bytes (MAX_REQUEST_BYTES)`, { Connection: "close" }),
  });
}

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearer(token: string): MiddlewareHandler {
  const expected = Buffer.from(token);
  return async (c, next) => {
    const match = /^bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "");
    const given = Buffer.from(match?.[1] ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refusal(c, 401, "unauthorized", "a bearer token is required", { "WWW-Authenticate": "Bearer" });
    }
    await next();
  };
}
