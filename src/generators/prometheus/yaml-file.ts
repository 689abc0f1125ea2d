// Serializes generated YAML documents once, with the yaml library (each document after the first
// opens with its own `---`), behind the generated-file header comment: the only text not
// serialized by the library, escaped so it stays one comment line.
import { Document } from "yaml";
import { lineComment } from "../../conventions/text-escape.js";
import type { Model } from "../../model/types.js";
import { generatedHeader } from "../artifact.js";

export function yamlArtifactText(model: Model, docs: readonly unknown[]): string {
  const body = docs.map((d, i) => {
    const doc = new Document(d, { aliasDuplicateObjects: false });
    if (i > 0) {
      if (!doc.directives) throw new Error("internal: a YAML document without directives cannot start with ---");
      doc.directives.docStart = true;
    }
    return doc.toString({ lineWidth: 0 });
  });
  return `# ${lineComment(generatedHeader(model))}\n${body.join("")}`;
}
