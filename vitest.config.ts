import { defineConfig } from "vitest/config";

export default defineConfig({
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
