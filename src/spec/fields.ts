// The fields the spec schema allows at a document path, for "did you mean" on an unknown key:
// only names valid at that very place are ever proposed.
import type { z } from "zod";
import { serviceSpec } from "./schema.js";

type Schema = z.core.$ZodType;

/** Unwraps optional, default, pipe and similar wrappers down to the schema that shapes the value. */
function unwrap(schema: Schema): Schema {
  const def = schema._zod.def as { type: string; innerType?: Schema; in?: Schema };
  if (def.innerType !== undefined) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in !== undefined) return unwrap(def.in);
  return schema;
}

function step(schema: Schema, part: string | number): Schema[] {
  const s = unwrap(schema);
  const def = s._zod.def as { type: string; shape?: Record<string, Schema>; element?: Schema; valueType?: Schema; options?: Schema[] };
  if (def.type === "union") return (def.options ?? []).flatMap((o) => step(o, part));
  if (def.type === "object" && typeof part === "string") {
    const next = def.shape?.[part];
    return next !== undefined ? [next] : [];
  }
  if (def.type === "array" && typeof part === "number" && def.element !== undefined) return [def.element];
  if (def.type === "record" && def.valueType !== undefined) return [def.valueType];
  return [];
}

function objectKeys(schema: Schema): string[] {
  const s = unwrap(schema);
  const def = s._zod.def as { type: string; shape?: Record<string, Schema>; options?: Schema[] };
  if (def.type === "union") return (def.options ?? []).flatMap(objectKeys);
  return def.type === "object" && def.shape !== undefined ? Object.keys(def.shape) : [];
}

/** Field names of the mapping at `path` in a spec document (empty when no mapping is expected there). */
export function fieldsAt(path: readonly (string | number)[]): string[] {
  let here: Schema[] = [serviceSpec];
  for (const part of path) here = here.flatMap((s) => step(s, part));
  return [...new Set(here.flatMap(objectKeys))].sort();
}
