// All generators, in one list: generate(model) is the whole of codegen.
import type { Model } from "../model/types.js";
import { MANIFEST_PATH } from "../conventions/artifact.js";
import type { Artifact, GenerateOptions, Generator } from "./artifact.js";
import { generateCatalogue } from "./catalogue/generate.js";
import { generateTroubleshooting } from "./troubleshooting/generate.js";
import { generateGrafana } from "./grafana/index.js";
import { generateMetricsModule } from "./metrics-module/generate.js";
import { generateSpecSchema } from "./spec-schema/generate.js";
import { generatePrometheus } from "./prometheus/index.js";
import { generateAlertmanager } from "./alertmanager/index.js";
import { generateKubernetes } from "./kubernetes/index.js";
import { generateCompose } from "./compose/index.js";
import { generateRunbooks } from "./runbooks/index.js";

/** Each generator under the name the manifest records for its files (its folder's name). */
export const generators: readonly { name: string; generate: Generator }[] = [
  { name: "metrics-module", generate: (model, options) => generateMetricsModule(model, options.lang) },
  { name: "spec-schema", generate: generateSpecSchema },
  { name: "catalogue", generate: generateCatalogue },
  { name: "grafana", generate: generateGrafana },
  { name: "prometheus", generate: generatePrometheus },
  { name: "alertmanager", generate: generateAlertmanager },
  { name: "kubernetes", generate: generateKubernetes },
  { name: "compose", generate: generateCompose },
  { name: "troubleshooting", generate: generateTroubleshooting },
  { name: "runbooks", generate: generateRunbooks },
];

export function generate(model: Model, options: GenerateOptions = {}): Artifact[] {
  const artifacts = generators.flatMap((g) => g.generate(model, options).map((a) => ({ ...a, generator: g.name })));
  const seen = new Set<string>();
  for (const a of artifacts) {
    if (seen.has(a.path)) throw new Error(`internal: two generators emit ${a.path}`);
    if (a.path === MANIFEST_PATH) throw new Error(`internal: a generator emits ${a.path}, the manifest's name`);
    seen.add(a.path);
    if (a.content.includes("\r")) throw new Error(`internal: ${a.path} has a carriage return`);
  }
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
