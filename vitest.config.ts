import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The generated module imports the package's runtime export; here it is the TypeScript source,
    // as tsconfig.json's "paths" says for tsc, tsx and esbuild.
    alias: { "obsgen/runtime": fileURLToPath(new URL("./src/generators/metrics-module/enum-metrics.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real Prometheus and git servers; two cores cannot take many at once.
    maxWorkers: 2,
    pool: "forks",
    // CI reads the JSON report to print "N passed, N failed" (.ci/run).
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".vitest-report.json" }]] : ["default"],
  },
});
