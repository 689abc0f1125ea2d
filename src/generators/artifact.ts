// The generators' contract and the headers of their files: a file of the whole deployment names
// every spec file; a file of one service names only its own.
import { headerOf, type Artifact } from "../conventions/artifact.js";
import type { Model, ServiceModel } from "../model/types.js";

export { isGeneratedHeader, type Artifact } from "../conventions/artifact.js";

/** Choices of the person generating that the spec does not make (CLI flags). */
export interface GenerateOptions {
  /** The metrics module's language: metrics.ts, or metrics.js with metrics.d.ts. Default ts. */
  lang?: "ts" | "js";
}

export type Generator = (model: Model, options: GenerateOptions) => Artifact[];

/** The header of a file every service contributes to (prometheus.yml, metrics.ts). */
export function generatedHeader(model: Model): string {
  return headerOf(model.files);
}

/**
 * The header of a file that belongs to one service (its dashboards, its runbooks): it names only
 * that service's spec file, so adding another service leaves the file as it is.
 */
export function serviceHeader(service: ServiceModel): string {
  return headerOf([service.source.projectFile]);
}

/** The header of a file several services share (the runbook of TargetDown): their spec files, sorted. */
export function servicesHeader(services: readonly ServiceModel[]): string {
  return headerOf([...new Set(services.map((s) => s.source.projectFile))].sort());
}
