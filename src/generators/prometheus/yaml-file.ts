// Serializes generated YAML documents once, with the yaml library, behind the generated-file
// header comment (the only text not serialized by the library, hence escaped to stay one line).
import { stringify } from "yaml";
import type { Model } from "../../model/types.js";
import { generatedHeader } from "../artifact.js";
import { lineComment } from "../../conventions/text-escape.js";

export function yamlArtifactText(model: Model, docs: readonly unknown[]): string {
  const body = docs.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");
  return `# ${lineComment(generatedHeader(model))}\n${body}`;
}
