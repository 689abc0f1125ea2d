// Every CLI command, in the order `obsgen --help` lists them. Each entry imports its command's
// module on use (a chunk of its own in dist/cli): `obsgen --help` loads no package at all.
import type { CommandEntry } from "./command.js";

export const commands: readonly CommandEntry[] = [
  {
    name: "init",
    summary: "write a commented starter spec (and generate/check scripts in package.json)",
    load: async () => (await import("./commands/init.js")).initCommand,
  },
  {
    name: "generate",
    summary: "write generated/ from the spec (atomically; an invalid spec writes nothing); --watch regenerates on every save",
    load: async () => (await import("./commands/generate.js")).generateCommand,
  },
  {
    name: "check",
    summary: "fail when generated/ differs from what the spec produces (the CI drift check)",
    load: async () => (await import("./commands/check.js")).checkCommand,
  },
  {
    name: "lint",
    summary: "check dashboards against grafana/dashboard-linter's rules and the spec",
    load: async () => (await import("./commands/lint.js")).lintCommand,
  },
  {
    name: "validate",
    summary: "check generated rules, rule tests, scrape and Alertmanager config with promtool and amtool",
    load: async () => (await import("./commands/validate.js")).validateCommand,
  },
  {
    name: "diff",
    summary: "compare the spec and the generated files with a base (git ref or directory): changes, breaking changes, cardinality",
    load: async () => (await import("./commands/diff.js")).diffCommand,
  },
  {
    name: "preview",
    summary: "render the generated dashboards to PNG and HTML (simulated from the spec and marked synthetic, or from a Prometheus URL)",
    load: async () => (await import("./commands/preview.js")).previewCommand,
  },
  {
    name: "doctor",
    summary: "check what obsgen needs here (node, promtool, amtool, prom-client, the spec, generated/) and how to fix it",
    load: async () => (await import("./commands/doctor.js")).doctorCommand,
  },
];
