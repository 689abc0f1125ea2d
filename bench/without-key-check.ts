// A diagnostic, never shipped: the generated module with its extra-key check taken out of the hot
// path (the for-in over every labels object that rejects a key that is no label, as prom-client
// does). Benchmarked in its own process, it shows what that check costs: the for-in makes V8
// allocate the labels object, which it otherwise removes once the call is inlined.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const HOT_KEY_CHECK = /(function \w+(?<!Slow)Index\(labels: \w+\): number \{\n)  for \(const (?:key|_key) in labels\) \{\n[^\n]*\n  \}\n/g;

/** Writes the variant next to generated/ (so `obsgen/runtime` resolves the same) and returns its path and a remover. */
export function writeModuleWithoutKeyCheck(): { path: string; remove: () => void } {
  const source = readFileSync(join("generated", "metrics.ts"), "utf8");
  let removed = 0;
  const variant = source.replace(HOT_KEY_CHECK, (_, head: string) => {
    removed++;
    return head;
  });
  if (removed === 0) throw new Error("bench/without-key-check.ts: no key check found in generated/metrics.ts; the generator's index functions changed shape");
  const path = join("bench", `.metrics-without-key-check.${process.pid}.ts`);
  writeFileSync(path, variant);
  return { path, remove: () => rmSync(path, { force: true }) };
}
