// Serializes a generated YAML document once, behind the generated-file header comment.
import { stringify } from "yaml";
import type { Model } from "../../model/types.js";
import { generatedHeader } from "../artifact.js";

export function yamlArtifactText(model: Model, docs: readonly unknown[]): string {
  const body = docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
  return `# ${generatedHeader(model)}\n${body}`;
}
