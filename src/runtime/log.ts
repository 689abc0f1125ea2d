// The runtime's log: one JSON object per line on stderr, in a documented schema (docs/LOGS.md),
// so a failed call can be found by its request id and logs can be queried without parsing prose.
// Every string value passes the runtime's redactor, fields named like credentials are dropped,
// and nothing a caller sends becomes a field name. A line carries a request id only when its
// writer passes one: the id travels with the call (Runtime.run, GitRuntime.run), never through
// AsyncLocalStorage, whose first use turns on promise hooks for the whole process for good (on
// Node 20 every promise after it pays a hook call, a scrape and a git operation alike).
import { randomUUID } from "node:crypto";
import type { LogLine } from "./git/runtime.ts";

export type { LogLine };
export type Logger = (line: LogLine) => void;

/** The schema's fields, in the order they are written; other fields follow, sorted. */
export const LOG_FIELDS = [
  "time",
  "level",
  "msg",
  "request_id",
  "method",
  "route",
  "status",
  "operation",
  "agent_id",
  "task_id",
  "duration_ms",
  "error_type",
  "error",
] as const;

/** Fields named like a credential are never written, whatever their value. */
const CREDENTIAL_FIELD = /pass(word|wd)?|secret|token|authorization|cookie|api_?key|credential/i;
/** Caller-controlled strings are capped so one request cannot write a megabyte line. */
const MAX_STRING = 512;

export interface JsonLoggerOptions {
  write: (text: string) => void;
  /** Removes secrets from a string (the git runtime's Redactor). */
  redact?: (text: string) => string;
  /** Injectable for tests; ISO-8601 UTC. */
  now?: () => string;
}

function clean(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  if (value instanceof Error) return redact(value.message);
  return redact(String(value));
}

export function createJsonLogger(opts: JsonLoggerOptions): Logger {
  const redact = opts.redact ?? ((text: string) => text);
  const now = opts.now ?? (() => new Date().toISOString());
  return (line) => {
    const record: Record<string, unknown> = { time: now() };
    const given = Object.entries(line).filter(([key, value]) => value !== undefined && key !== "time" && !CREDENTIAL_FIELD.test(key));
    const rank = (key: string) => {
      const i = (LOG_FIELDS as readonly string[]).indexOf(key);
      return i === -1 ? LOG_FIELDS.length : i;
    };
    given.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, value] of given) record[key] = clean(value, redact);
    opts.write(`${JSON.stringify(record)}\n`);
  };
}

/** An incoming X-Request-Id is kept only when it cannot smuggle anything into a log or header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdFrom(incoming: string | undefined): string {
  return incoming !== undefined && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
