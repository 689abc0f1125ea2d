// Backup → wipe → restore with the shipped scripts on Debian's Prometheus (started by
// scripts/start-prometheus.sh, admin API on 127.0.0.1) over known data: the same queries return
// the same numbers after the restore, and a server started on the wiped directory proves they
// came from the backup. Grafana's database is restored with the same scripts from a SQLite file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Child } from "./support/child.js";
import { freePort, openMetricsText, type Series } from "./support/prometheus.js";

const T0 = Date.UTC(2026, 0, 5, 12) / 1000;
/** Two counters and a gauge over an hour, one sample a minute. */
const SERIES: Series[] = [
  { name: "git_operation_total", labels: { operation: "clone", status: "success" }, samples: Array.from({ length: 61 }, (_, i) => ({ t: T0 + i * 60, v: i * 3 })) },
  { name: "git_operation_total", labels: { operation: "push", status: "failure" }, samples: Array.from({ length: 61 }, (_, i) => ({ t: T0 + i * 60, v: i })) },
  { name: "active_sandboxes_total", labels: {}, samples: Array.from({ length: 61 }, (_, i) => ({ t: T0 + i * 60, v: (i * 7) % 13 })) },
];
const QUERIES = [
  "sum by (operation, status) (git_operation_total)",
  "sum by (operation) (increase(git_operation_total[30m]))",
  "max_over_time(active_sandboxes_total[1h])",
  "count({__name__=~\".+\"})",
];

function run(script: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("bash", [script, ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function query(url: string, expr: string): Promise<[Record<string, string>, string][]> {
  const body = new URLSearchParams({ query: expr, time: String(T0 + 3600) });
  const r = (await (await fetch(`${url}/api/v1/query`, { method: "POST", body })).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (r.status !== "success") throw new Error(`query failed: ${expr}`);
  return r.data.result.map((s) => [s.metric, s.value[1]] as [Record<string, string>, string]).sort(([a], [b]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe("Prometheus backup and restore (scripts/backup.sh, scripts/restore.sh)", () => {
  let dir = "";
  let env: NodeJS.ProcessEnv = {};
  let prometheus: Child | undefined;

  async function start(): Promise<string> {
    const port = await freePort();
    prometheus = Child.start("bash", ["scripts/start-prometheus.sh", "--log.level=warn"], { ...process.env, ...env, PROMETHEUS_PORT: String(port) }, "start-prometheus.sh");
    const url = `http://127.0.0.1:${port}`;
    await prometheus.waitFor("ready", async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined));
    env.PROMETHEUS_URL = url;
    return url;
  }

  async function stop(): Promise<void> {
    await prometheus?.stop();
    prometheus = undefined;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "obsgen-backup-"));
    const data = join(dir, "data");
    writeFileSync(join(dir, "workload.om"), openMetricsText(SERIES));
    const backfill = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "workload.om"), data], { encoding: "utf8" });
    if (backfill.status !== 0) throw new Error(backfill.stderr);
    env = {
      PROMETHEUS_DATA: data,
      PROMETHEUS_STATE: join(dir, "state"),
      BACKUP_DIR: join(dir, "backups"),
      RETENTION: "100y",
      // Nothing is scraped: the known data is all there is.
      RUNTIME_TARGET: `127.0.0.1:1`,
      ALERTMANAGER_TARGET: `127.0.0.1:1`,
    };
  });
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the same numbers for the same queries after backup, wipe and restore", async () => {
    const url = await start();
    const before = await Promise.all(QUERIES.map((q) => query(url, q)));
    expect(before[0]).toEqual([
      [{ operation: "clone", status: "success" }, "180"],
      [{ operation: "push", status: "failure" }, "60"],
    ]);
    for (const [i, result] of before.entries()) expect(result.length, QUERIES[i]).toBeGreaterThan(0);

    const backup = run("scripts/backup.sh", ["prometheus"], env);
    expect(backup.status, backup.stderr).toBe(0);
    const archive = backup.stdout.trim();
    expect(archive).toMatch(/\/backups\/prometheus-[0-9A-Za-z-]+\.tar\.gz$/);
    // The snapshot was archived and then removed from the data directory.
    expect(readdirSync(join(env.PROMETHEUS_DATA ?? "", "snapshots"))).toEqual([]);

    // A restore under a running server is refused: it would be overwritten.
    const refused = run("scripts/restore.sh", ["prometheus", archive], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Prometheus is running .* stop it first/);

    await stop();
    rmSync(env.PROMETHEUS_DATA ?? "", { recursive: true, force: true });
    // The wipe is real: a server on the empty directory has none of the data.
    const wiped = await start();
    expect(await query(wiped, QUERIES[0] ?? "")).toEqual([]);
    await stop();

    const restore = run("scripts/restore.sh", ["prometheus", archive], env);
    expect(restore.status, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(/previous data is in .*before-restore-/);
    const restored = await start();
    const after = await Promise.all(QUERIES.map((q) => query(restored, q)));
    expect(after).toEqual(before);
  });

  it("fails with a clear message when Prometheus has no admin API or is not there", () => {
    const r = run("scripts/backup.sh", ["prometheus"], { ...env, PROMETHEUS_URL: "http://127.0.0.1:1" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no snapshot from http:\/\/127\.0\.0\.1:1 \(is Prometheus running with --web\.enable-admin-api\?\)/);
  });
});

describe("Grafana database backup and restore", () => {
  it("copies grafana.db consistently and puts it back, keeping the replaced file", () => {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-grafana-backup-"));
    try {
      const data = join(dir, "grafana");
      mkdirSync(data);
      const db = join(data, "grafana.db");
      const sql = (statement: string) => spawnSync("sqlite3", [db, statement], { encoding: "utf8" });
      sql("CREATE TABLE user (login TEXT, is_admin INTEGER); INSERT INTO user VALUES ('admin', 1), ('oncall', 0);");
      const env = { GRAFANA_DATA: data, BACKUP_DIR: join(dir, "backups"), GRAFANA_URL: "http://127.0.0.1:1" };
      const backup = run("scripts/backup.sh", ["grafana"], env);
      expect(backup.status, backup.stderr).toBe(0);
      const file = backup.stdout.trim();
      sql("DELETE FROM user WHERE login = 'oncall';");
      expect(sql("SELECT count(*) FROM user;").stdout.trim()).toBe("1");
      const restore = run("scripts/restore.sh", ["grafana", file], env);
      expect(restore.status, restore.stderr).toBe(0);
      expect(sql("SELECT login FROM user ORDER BY login;").stdout.trim().split("\n")).toEqual(["admin", "oncall"]);
      expect(readdirSync(data).some((f) => f.startsWith("grafana.db.before-restore-"))).toBe(true);
      // Anything but a SQLite database is refused.
      writeFileSync(join(dir, "not-a.db"), "hello");
      const bad = run("scripts/restore.sh", ["grafana", join(dir, "not-a.db")], env);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/is not a SQLite database/);
      expect(existsSync(db)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
