// A real Prometheus for tests: Debian's `prometheus` on 127.0.0.1 at a free port, over a temporary
// data directory into which a known workload was backfilled with `promtool tsdb
// create-blocks-from openmetrics`. Prometheus loads blocks only at startup, so the workload is
// written before the server starts. `stop()` kills the process and removes the directory.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Sample {
  /** Unix time in seconds. */
  t: number;
  v: number;
}

export interface Series {
  name: string;
  labels: Readonly<Record<string, string>>;
  samples: readonly Sample[];
}

export interface VectorResult {
  metric: Record<string, string>;
  value: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** OpenMetrics text with timestamps; series of one name stay together, the file ends in `# EOF`. */
export function openMetricsText(series: readonly Series[]): string {
  const sorted = [...series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: string[] = [];
  for (const s of sorted) {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");
    for (const { t, v } of s.samples) lines.push(`${s.name}{${labels}} ${v} ${t}`);
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus did not become ready within 60s:\n${log()}`);
}

export class PrometheusServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
    private readonly log: () => string,
  ) {}

  /** Backfills `series` into a fresh data directory and starts Prometheus over it. */
  static async start(series: readonly Series[]): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(tmpdir(), "obsgen-prometheus-"));
    try {
      const om = join(dir, "workload.om");
      const data = join(dir, "data");
      writeFileSync(om, openMetricsText(series));
      const backfill = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", om, data], { encoding: "utf8", timeout: 120_000 });
      if (backfill.status !== 0) throw new Error(`promtool backfill failed:\n${backfill.stdout}${backfill.stderr}`);
      const config = join(dir, "prometheus.yml");
      writeFileSync(config, "global:\n  scrape_interval: 15s\n");
      const port = await freePort();
      const child = spawn(
        "prometheus",
        [`--config.file=${config}`, `--storage.tsdb.path=${data}`, `--web.listen-address=127.0.0.1:${port}`, "--storage.tsdb.retention.time=100y", "--log.level=warn"],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      const server = new PrometheusServer(`http://127.0.0.1:${port}`, child, dir, () => output);
      try {
        await waitReady(server.url, child, () => output);
      } catch (e) {
        await server.stop();
        throw e;
      }
      return server;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** An instant query at `time` (unix seconds); scalars come back as one series without labels. */
  async query(expr: string, time: number): Promise<VectorResult[]> {
    const body = new URLSearchParams({ query: expr, time: String(time) });
    const r = await fetch(`${this.url}/api/v1/query`, { method: "POST", body });
    const json = (await r.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: unknown };
    };
    if (json.status !== "success" || !json.data) throw new Error(`query failed: ${json.error ?? r.status}\n${expr}`);
    if (json.data.resultType === "scalar") {
      const [, v] = json.data.result as [number, string];
      return [{ metric: {}, value: Number(v) }];
    }
    if (json.data.resultType !== "vector") throw new Error(`unexpected ${json.data.resultType} for ${expr}`);
    return (json.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
  }

  /** A range query from `start` to `end` every `step` seconds: each series with its values. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
    const body = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
    const r = await fetch(`${this.url}/api/v1/query_range`, { method: "POST", body });
    const json = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] } };
    if (json.status !== "success" || !json.data) throw new Error(`range query failed: ${json.error ?? r.status}\n${expr}`);
    return json.data.result.map((s) => ({ metric: s.metric, values: s.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
