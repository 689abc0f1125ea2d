// The spec format as a JSON Schema, for the generator that writes it next to the output; the zod
// schema itself stays inside model/spec.
import { z } from "zod";
import { serviceSpec } from "../spec/schema.js";
import { deepFreeze } from "../promql/memo.js";

let schema: Readonly<Record<string, unknown>> | undefined;

/** The schema depends on nothing but the zod schema, so it is converted once per process (frozen, shared). */
export function specJsonSchema(): Readonly<Record<string, unknown>> {
  schema ??= deepFreeze(z.toJSONSchema(serviceSpec, { io: "input", target: "draft-7" }) as Record<string, unknown>);
  return schema;
}
