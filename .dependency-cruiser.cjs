// The layers of obsgen and the only arrows allowed between them (docs: DESIGN.md, "The pipeline").
// `npm test` runs this through test/layering.test.ts, so a forbidden import fails CI.
//
//   cli (src/cli, doctor, init, validate, pipeline) → everything
//   generators, lint, diff, preview                 → model, conventions, promql, SDKs
//   check                                           → model, promql, conventions
//   model                                           → spec, conventions, promql
//   spec                                            → conventions, promql
//   promql                                          → conventions
//   output                                          → conventions
//   conventions                                     → nothing of ours
//   runtime                                         → the generated module and its own code only
//
// model → promql: the model resolves the generated on-call and SLO alerts, which are PromQL
// rewrites; promql depends on conventions alone, so the arrow makes no cycle.
const LAYERS = {
  conventions: [],
  promql: ["conventions"],
  output: ["conventions"],
  spec: ["conventions", "promql"],
  model: ["spec", "conventions", "promql"],
  check: ["model", "promql", "conventions"],
  generators: ["model", "conventions", "promql"],
  lint: ["model", "conventions", "promql"],
  diff: ["model", "conventions", "promql"],
  preview: ["model", "conventions", "promql"],
};

const ALL = ["cli", "doctor", "init", "validate", "pipeline", "runtime", ...Object.keys(LAYERS)];

/** One rule per layer: from it, nothing in src/ but itself and the layers it may use. */
const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => ({
  name: `${layer}-imports-only-${allowed.length > 0 ? allowed.join("-") : "itself"}`,
  comment: `src/${layer} may import ${allowed.length > 0 ? allowed.map((l) => `src/${l}`).join(", ") : "nothing else of ours"} (and itself, and packages)`,
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: {
    path: "^(src|generated)/",
    pathNot: [`^src/${layer}/`, ...allowed.map((l) => `^src/${l}/`)],
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "runtime-imports-only-generated",
      comment: "the reference runtime embeds the generated module and never the spec pipeline",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/", pathNot: "^src/runtime/" },
    },
    {
      name: "nothing-imports-the-runtime",
      comment: "the pipeline does not depend on the reference service",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/runtime/" },
      to: { path: "^src/runtime/" },
    },
    {
      name: "model-internals-stay-inside",
      comment: "generators, lint, diff and preview read the resolved Model, never how it is resolved",
      severity: "error",
      from: { path: "^src/(generators|lint|diff|preview)/" },
      to: { path: "^src/model/(resolve|deployment|reporter|slos|label-values)\\.ts$" },
    },
    {
      name: "no-cycles",
      comment: "no module reaches itself through its imports",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "known-layers-only",
      comment: "a new folder under src/ gets its arrows in this file first",
      severity: "error",
      from: { path: "^src/", pathNot: `^src/(${ALL.join("|")})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    // Type-only imports are arrows too: a type from a layer is a dependency on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".json"] },
  },
};
