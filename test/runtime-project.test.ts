// The project sandbox-hours are booked to, against the real runtime (src/runtime/main.ts in a child
// process): RUNTIME_PROJECT must be one of the projects the spec enumerates for
// sandbox_hours_total's `project` label, and a clone's hours land on that project's series.
import { parse as parseYaml } from "yaml";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECTS } from "../src/runtime/project.ts";
import { Child } from "./support/child.js";
import { createRemotes, type Remotes } from "./support/git-remote.js";

function startRuntime(project: string): Child {
  return Child.start(
    "node",
    ["--import", "tsx", "src/runtime/main.ts"],
    { ...process.env, HOST: "127.0.0.1", PORT: "0", RUNTIME_ALLOW_LOCAL_REMOTES: "1", RUNTIME_PROJECT: project },
    `runtime (RUNTIME_PROJECT=${project})`,
  );
}

/** The value of one series in a Prometheus text exposition. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let remotes: Remotes;

beforeAll(async () => {
  remotes = await createRemotes();
});

afterAll(async () => {
  await remotes?.cleanup();
});

describe("the runtime's project", () => {
  it("takes its projects from the spec's enumeration of sandbox_hours_total's project label", () => {
    const spec = parseYaml(readFileSync("metrics-spec/git-operations.yaml", "utf8")) as { metrics: Record<string, { labels: Record<string, { values: string[] }> }> };
    const declared = spec.metrics["sandbox_hours_total"]?.labels["project"]?.values;
    expect(PROJECTS).toEqual(declared);
    expect(PROJECTS.length).toBeGreaterThan(2);
  });

  it("refuses to start with a RUNTIME_PROJECT the spec does not declare, naming the declared projects", async () => {
    const runtime = startRuntime("marketing");
    try {
      expect(await runtime.exited).toBe(1);
      const line = JSON.parse(runtime.output.split("\n").find((l) => l.startsWith("{")) ?? "{}") as { level?: string; msg?: string };
      expect(line.level).toBe("error");
      expect(line.msg).toBe(`RUNTIME_PROJECT "marketing" is not a declared project; use one of ${PROJECTS.join(", ")}, or add it to the values of sandbox_hours_total's project label in the metrics spec and regenerate`);
      expect(runtime.output).not.toContain("listening");
    } finally {
      await runtime.stop();
    }
  });

  it("books a clone's sandbox-hours to the declared project RUNTIME_PROJECT names, and to no other", async () => {
    const project = PROJECTS.find((p) => p !== "default" && p !== "other");
    if (project === undefined) throw new Error("the spec declares no project besides default and other");
    const repo = await remotes.bare("booked");
    const runtime = startRuntime(project);
    try {
      const url = await runtime.waitFor("the runtime to listen", () => /git runtime listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(runtime.output)?.[1]);
      const res = await fetch(`${url}/v1/git/clone`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ repo_url: repo, branch: "main", agent_id: "agent-1", task_id: "task-1" }),
      });
      expect(res.status).toBe(200);
      const exposition = await (await fetch(`${url}/metrics`)).text();
      expect(sample(exposition, `sandbox_hours_total{project="${project}"}`)).toBeGreaterThan(0);
      for (const other of PROJECTS.filter((p) => p !== project)) expect(sample(exposition, `sandbox_hours_total{project="${other}"}`), other).toBe(0);
    } finally {
      expect(await runtime.stop()).toBe(0);
    }
  });
});
