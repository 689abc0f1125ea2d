// Module customization hooks of trace-imports.mjs; they run on node's loader thread.
import { appendFileSync } from "node:fs";

let log;

export function initialize(data) {
  if (!data?.log) throw new Error("trace-imports: set OBSGEN_TRACE_IMPORTS to the log file");
  log = data.log;
}

export async function load(url, context, nextLoad) {
  appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
