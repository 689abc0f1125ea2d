// Emits the spec's JSON Schema, which spec files reference so editors autocomplete and flag errors.
import { specJsonSchema } from "../../model/spec-schema.js";
import type { Model } from "../../model/types.js";
import { generatedHeader, type Artifact } from "../artifact.js";

export const SPEC_SCHEMA_PATH = "spec.schema.json";

export function generateSpecSchema(model: Model): Artifact[] {
  const schema = specJsonSchema();
  const doc = {
    $comment: generatedHeader(model),
    title: "obsgen metrics spec",
    ...schema,
  };
  return [{ path: SPEC_SCHEMA_PATH, content: `${JSON.stringify(doc, null, 2)}\n` }];
}
