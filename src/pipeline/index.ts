// The whole pipeline as one value, for the stages that take it as a parameter (diff, preview).
import { generate } from "../generators/index.js";
import { generateGrafanaDashboards } from "../generators/grafana/dashboard.js";
import type { Pipeline } from "../model/pipeline.js";
import { loadBaseModel } from "../diff/index.js";
import { loadModel } from "./load.js";

export type { Pipeline };

export const PIPELINE: Pipeline = {
  load: (specPath) => loadModel(specPath).model,
  generate,
  dashboards: generateGrafanaDashboards,
  loadBase: (base, specPath, cwd) => loadBaseModel(base, specPath, cwd, PIPELINE),
};
