// A scripted workload through the real HTTP server, then one scrape of /metrics: every series the
// dashboards query exists, and each has the value the workload implies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../src/pipeline/load.ts";
import { selectors, toAst } from "../src/promql/ast.ts";
import { parseQuery } from "../src/promql/parse.ts";
import { type RunningServer, startHttpServer } from "../src/runtime/http/server.ts";
import { closedPort, createRemotes, type GitHttpServer, type Remotes, startGitHttpServer } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

const HOUR_MS = 3_600_000;

let remotes: Remotes;
let git: GitHttpServer;
let rt: TestRuntime;
let api: RunningServer;
let clock = 0;

beforeAll(async () => {
  remotes = await createRemotes();
  await remotes.bare("work");
  await remotes.bare("contested", { "shared.txt": "base\n" });
  git = await startGitHttpServer(remotes.root, "bot", "bot-password");
  rt = await createTestRuntime({
    credentials: { username: "bot", password: "bot-password" },
    credentialHosts: [`127.0.0.1:${git.port}`],
    now: () => clock,
    sandboxTtlMs: 24 * HOUR_MS,
  });
  api = await startHttpServer(rt, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await api?.close();
  await rt?.dispose();
  await git?.stop();
  await remotes?.cleanup();
});

async function call(op: string, body: Record<string, unknown>): Promise<{ ok: boolean; error?: { type: string } }> {
  const res = await fetch(`${api.url}/v1/git/${op}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as { ok: boolean; error?: { type: string } };
}

/** `name{labels}` → value, from the text exposition format. */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

function seriesMatching(scrape: Map<string, number>, name: string, labels: Record<string, string>): string[] {
  return [...scrape.keys()].filter((key) => {
    const brace = key.indexOf("{");
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) return false;
    return Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`));
  });
}

describe("/metrics after a scripted workload", () => {
  let scrape: Map<string, number>;

  beforeAll(async () => {
    const work = (agent_id: string, repo_url = git.url("work")) => ({ repo_url, branch: "main", agent_id, task_id: "scripted" });
    // agent a: clone, status, diff, a push that is rejected once and retried, a pull.
    expect((await call("clone", work("a"))).ok).toBe(true);
    expect((await call("status", work("a"))).ok).toBe(true);
    expect((await call("diff", work("a"))).ok).toBe(true);
    await remotes.commitAsOther("work", { "theirs.txt": "x\n" }, "theirs");
    expect((await call("push", { ...work("a"), commit: { message: "ours", files: [{ path: "ours.txt", content: "y\n" }] } })).ok).toBe(true);
    expect((await call("pull", work("a"))).ok).toBe(true);
    // agent b: a push whose rebase conflicts (a rejection, but no re-push: not a retry).
    const contested = work("b", git.url("contested"));
    expect((await call("clone", contested)).ok).toBe(true);
    await remotes.commitAsOther("contested", { "shared.txt": "theirs\n" }, "theirs");
    expect((await call("push", { ...contested, commit: { message: "ours", files: [{ path: "shared.txt", content: "ours\n" }] } })).error?.type).toBe("conflict");
    // agent c: wrong credentials; agent d: nothing listening.
    const wrong = git.url("work").replace("http://", "http://bot:not-the-password@");
    expect((await call("clone", work("c", wrong))).error?.type).toBe("auth");
    expect((await call("clone", work("d", `http://127.0.0.1:${await closedPort()}/x.git`))).error?.type).toBe("network");
    // Four sandboxes have now lived for two hours.
    clock = 2 * HOUR_MS;
    scrape = parseExposition(await (await fetch(`${api.url}/metrics`)).text());
  });

  it("has every series the dashboards query", () => {
    const { model } = loadModel("metrics-spec/git-operations.yaml");
    const used: string[] = [];
    for (const service of model.services) {
      for (const dashboard of service.dashboards) {
        for (const row of dashboard.rows) {
          for (const panel of row.panels) {
            for (const query of panel.queries) {
              const ast = toAst(parseQuery(query.expr));
              for (const sel of ast ? selectors(ast) : []) {
                if (sel.name === undefined) continue;
                const labels = Object.fromEntries(sel.matchers.filter((m) => m.op === "=").map((m) => [m.label, m.value]));
                used.push(sel.name);
                expect(seriesMatching(scrape, sel.name, labels), `${sel.name} ${JSON.stringify(labels)} in panel "${panel.title}"`).not.toEqual([]);
              }
            }
          }
        }
      }
    }
    expect(new Set(used).size).toBeGreaterThanOrEqual(8);
  });

  it("counts each operation's outcomes, retries, errors and conflicts as performed", () => {
    const expected: Record<string, number> = {
      'git_operation_total{operation="clone",status="started"}': 4,
      'git_operation_total{operation="clone",status="success"}': 2,
      'git_operation_total{operation="clone",status="failure"}': 2,
      'git_operation_total{operation="status",status="success"}': 1,
      'git_operation_total{operation="diff",status="success"}': 1,
      'git_operation_total{operation="pull",status="success"}': 1,
      'git_operation_total{operation="push",status="started"}': 2,
      'git_operation_total{operation="push",status="success"}': 1,
      'git_operation_total{operation="push",status="failure"}': 1,
      'git_operation_total{operation="push",status="retry"}': 1,
      'git_errors_total{operation="clone",error_type="auth"}': 1,
      'git_errors_total{operation="clone",error_type="network"}': 1,
      'git_errors_total{operation="push",error_type="conflict"}': 1,
      'git_errors_total{operation="push",error_type="timeout"}': 0,
      'git_push_retry_count_total{attempt="1"}': 1,
      'git_push_retry_count_total{attempt="2"}': 0,
      'git_conflicts_detected_total{operation="push"}': 1,
      'git_conflicts_detected_total{operation="pull"}': 0,
      'git_operation_duration_seconds_count{operation="clone"}': 4,
      'git_operation_duration_seconds_count{operation="push"}': 2,
      'git_operation_duration_seconds_bucket{le="+Inf",operation="status"}': 1,
      "sandbox_creation_seconds_count": 4,
      "sandbox_cache_misses_total": 4,
      "sandbox_cache_hits_total": 5,
      "active_sandboxes_total": 4,
    };
    for (const [series, value] of Object.entries(expected)) expect(scrape.get(series), series).toBe(value);
  });

  it("books sandbox-hours per project and estimates the cost of the sandboxes alive", () => {
    expect(scrape.get('sandbox_hours_total{project="default"}')).toBeCloseTo(8, 9);
    expect(scrape.get('sandbox_hours_total{project="other"}')).toBe(0);
    expect(scrape.get('estimated_cost_dollars{period="hourly"}')).toBeCloseTo(4 * 0.015, 9);
    expect(scrape.get('estimated_cost_dollars{period="daily"}')).toBeCloseTo(4 * 0.015 * 24, 9);
    expect(scrape.get('estimated_cost_dollars{period="monthly"}')).toBeCloseTo(4 * 0.015 * 730, 9);
  });

  it("leaks no credential into the exposition", async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(text).not.toContain("bot-password");
    expect(text).not.toContain("not-the-password");
  });
});
