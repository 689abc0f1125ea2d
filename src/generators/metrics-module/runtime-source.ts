// The text of enum-metrics.ts between its runtime markers: the generated module embeds it so that
// it imports nothing but prom-client, while the source stays a type-checked, tested module here.
import { readFileSync } from "node:fs";

const BEGIN = "// obsgen:runtime-begin\n";
const END = "// obsgen:runtime-end";

let cached: string | undefined;

export function runtimeSource(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL("./enum-metrics.ts", import.meta.url), "utf8").replace(/\r\n/g, "\n");
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) throw new Error("enum-metrics.ts lost its obsgen:runtime markers");
    cached = text.slice(start + BEGIN.length, end).replace(/^export (function|class|interface) /gm, "export $1 ");
  }
  return cached;
}
