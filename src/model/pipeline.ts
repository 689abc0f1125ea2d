// The stages diff and preview run on a spec, handed to them by their caller (the cli, a test):
// they compare and render models and artifacts, and may not import the loader or the generators.
import type { Artifact } from "../conventions/artifact.js";
import type { Model } from "./types.js";

export interface Pipeline {
  /** Loads, resolves and checks the spec at a path; throws SpecError when it has errors. */
  load(specPath: string): Model;
  /** Every artifact of a model, sorted by path. */
  generate(model: Model): Artifact[];
  /** The Grafana dashboards of a model, as generate() writes them. */
  dashboards(model: Model): Artifact[];
  /** The model of the spec at a git ref or directory (diff's base); dispose() removes its checkout. */
  loadBase(base: string, specPath: string, cwd: string): { model: Model; dispose: () => void };
}
