// Serializes generated YAML documents once, with the yaml library (each document after the first
// opens with its own `---`), behind the generated-file header comment: the only text not
// serialized by the library, escaped so it stays one comment line.
import { Document } from "yaml";
import { lineComment } from "../../conventions/text-escape.js";
import type { Model } from "../../model/types.js";
import { generatedHeader } from "../artifact.js";
import { structureKey } from "../structure-key.js";

export function yamlArtifactText(model: Model, docs: readonly unknown[]): string {
  const body = docs.map((d, i) => {
    const key = structureKey(d);
    return key === undefined ? documentText(d, i > 0) : documentTextOf(`${i > 0 ? "+" : "-"}${key}`, d, i > 0);
  });
  return `# ${lineComment(generatedHeader(model))}\n${body.join("")}`;
}

function documentText(data: unknown, docStart: boolean): string {
  const doc = new Document(data, { aliasDuplicateObjects: false });
  if (docStart) {
    if (!doc.directives) throw new Error("internal: a YAML document without directives cannot start with ---");
    doc.directives.docStart = true;
  }
  return doc.toString({ lineWidth: 0 });
}

// Serializing is most of what these generators cost; the data's exact key (structure-key.ts) is
// cheap, and on a watched save most documents come out the same as on the save before.
const heldTexts = new Map<string, string>();
const HELD_MAX = 64;

function documentTextOf(key: string, data: unknown, docStart: boolean): string {
  const held = heldTexts.get(key);
  if (held !== undefined) return held;
  const text = documentText(data, docStart);
  heldTexts.set(key, text);
  if (heldTexts.size > HELD_MAX) {
    const oldest = heldTexts.keys().next();
    if (oldest.done !== true) heldTexts.delete(oldest.value);
  }
  return text;
}
