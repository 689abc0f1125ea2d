import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(readFileSync(".github/workflows/obsgen.yml", "utf8")) as {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const index = (match: (s: Step) => boolean, what: string): number => {
  const i = steps.findIndex(match);
  if (i < 0) throw new Error(`the workflow has no step that ${what}`);
  return i;
};

describe("the GitHub Actions workflow", () => {
  it("runs on pull requests and may write PR comments", () => {
    expect(Object.keys(workflow.on)).toContain("pull_request");
    expect(workflow.permissions?.["pull-requests"]).toBe("write");
  });

  it("checks out full history and sets up Node 20", () => {
    const checkout = steps[index((s) => s.uses?.startsWith("actions/checkout@") === true, "checks out")];
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
    expect(steps[index((s) => s.uses?.startsWith("actions/setup-node@") === true, "sets up node")]?.with?.["node-version"]).toBe(20);
  });

  it("installs, checks drift, validates, diffs, comments, renders and uploads, in that order", () => {
    const order = [
      index((s) => s.run === "npm ci", "runs npm ci"),
      index((s) => s.run === "bash scripts/install-tools.sh", "installs the tools"),
      index((s) => s.run === "npm run check", "runs the drift check"),
      index((s) => s.run === "npx obsgen validate", "validates"),
      index((s) => s.run === "npx obsgen diff --base origin/${{ github.base_ref }} > diff.md", "writes diff.md"),
      index((s) => s.uses?.startsWith("actions/github-script@") === true && String(s.with?.script).includes('readFileSync("diff.md"'), "posts diff.md as a comment"),
      index((s) => s.run?.startsWith("npx obsgen preview --out preview") === true, "renders previews"),
      index((s) => s.uses?.startsWith("actions/upload-artifact@") === true && s.with?.path === "preview/", "uploads preview/"),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("references a tool install script that exists", () => {
    expect(() => readFileSync("scripts/install-tools.sh", "utf8")).not.toThrow();
  });
});
