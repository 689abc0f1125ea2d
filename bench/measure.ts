// Side-by-side timing: every case runs once per round, rounds interleave the cases (starting at a
// different case each round) so that noise from other processes on this shared machine lands on
// all of them alike; results are medians with the min–max spread.

export interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number;
}

export function stat(xs: readonly number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { median, min: s[0] ?? NaN, max: s.at(-1) ?? NaN, samples: s.length };
}

/** One measured case: `run` performs the work once (a batch) and returns something to consume. */
export interface Case<K extends string = string> {
  key: K;
  run: () => number | Promise<number>;
}

/** Keeps results observable so the optimiser cannot drop the measured work. */
export const sink = { value: 0 };

function consume(x: number): void {
  sink.value += Number.isFinite(x) ? x : 0;
}

/**
 * What a sample measures: wall time, or the CPU time of this process (user + system, all its
 * threads: GC helpers and JIT compilers included). CPU time leaves out the time the process waits
 * for a core, which on this shared 2-core machine is most of the noise; it suits in-process work
 * only (a child process's CPU time is not counted).
 */
export type Clock = "wall" | "cpu";

function now(clock: Clock): bigint {
  if (clock === "wall") return process.hrtime.bigint();
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}

/** Nanoseconds per batch of each case, `rounds` samples each, after `warmup` untimed rounds. */
export async function sideBySide<K extends string>(cases: readonly Case<K>[], rounds: number, warmup: number, clock: Clock = "wall"): Promise<Map<K, Stat>> {
  for (let w = 0; w < warmup; w++) for (const c of cases) consume(await c.run());
  const samples = new Map<K, number[]>(cases.map((c) => [c.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length];
      if (!c) continue;
      const t0 = now(clock);
      const out = await c.run();
      const ns = Number(now(clock) - t0);
      consume(out);
      samples.get(c.key)?.push(ns);
    }
  }
  return new Map(cases.map((c) => [c.key, stat(samples.get(c.key) ?? [])]));
}

export function scaled(s: Stat, by: number): Stat {
  return { median: s.median / by, min: s.min / by, max: s.max / by, samples: s.samples };
}

export function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

/** "12.3 (11.9–14.0)" */
export function fmtStat(s: Stat, digits = 1): string {
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
