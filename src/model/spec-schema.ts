// The spec format as a JSON Schema, for the generator that writes it next to the output; the zod
// schema itself stays inside model/spec.
import { z } from "zod";
import { serviceSpec } from "../spec/schema.js";

export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(serviceSpec, { io: "input", target: "draft-7" }) as Record<string, unknown>;
}
