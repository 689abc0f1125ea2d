// Every CLI command, in the order `obsgen --help` lists them. Only names and summaries: a
// command's modules are imported when it runs (./load-command.ts), so `obsgen --help` loads no
// package at all.
import type { CommandEntry } from "./command.js";

export const commands: readonly CommandEntry[] = [
  {
    name: "init",
    summary: "write a commented starter spec (and generate/check scripts in package.json)",
  },
  {
    name: "generate",
    summary: "write generated/ from the spec (atomically; an invalid spec writes nothing); --watch regenerates on every save",
  },
  {
    name: "check",
    summary: "fail when generated/ differs from what the spec produces (the CI drift check)",
  },
  {
    name: "lint",
    summary: "check dashboards against grafana/dashboard-linter's rules and the spec",
  },
  {
    name: "validate",
    summary: "check generated rules, rule tests, scrape and Alertmanager config with promtool and amtool",
  },
  {
    name: "diff",
    summary: "compare the spec and the generated files with a base (git ref or directory): changes, breaking changes, cardinality",
  },
  {
    name: "preview",
    summary: "render the generated dashboards to PNG and HTML (simulated from the spec and marked synthetic, or from a Prometheus URL)",
  },
  {
    name: "doctor",
    summary: "check what obsgen needs here (node, promtool, amtool, prom-client, the spec, generated/) and how to fix it",
  },
];
