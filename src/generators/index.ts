// All generators, in one list: generate(model) is the whole of codegen.
import type { Model } from "../model/types.js";
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

export const generators: readonly Generator[] = [(model, options) => generateMetricsModule(model, options.lang), generateSpecSchema, generateCatalogue, generateGrafana, generatePrometheus, generateAlertmanager, generateKubernetes, generateCompose, generateTroubleshooting, generateRunbooks];

export function generate(model: Model, options: GenerateOptions = {}): Artifact[] {
  const artifacts = generators.flatMap((g) => g(model, options));
  const seen = new Set<string>();
  for (const a of artifacts) {
    if (seen.has(a.path)) throw new Error(`internal: two generators emit ${a.path}`);
    seen.add(a.path);
    if (a.content.includes("\r")) throw new Error(`internal: ${a.path} has a carriage return`);
  }
  return artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
