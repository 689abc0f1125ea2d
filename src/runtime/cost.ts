// Sandbox cost: sandbox-hours accrue per project while sandboxes live, and the estimated cost of
// the sandboxes alive now is extrapolated over an hour, a day and a month.
//
// The rate is the guide's flat $0.015 per sandbox-hour (the spec's cost.ratePerSandboxHour). E2B
// itself bills per second by vCPU and memory, so operators set their own figure with
// SANDBOX_COST_PER_HOUR.
import type { Metrics } from "../../generated/metrics.ts";

/** Hours in each period the cost gauge reports; a month is 730 h (8760 / 12). */
export const PERIOD_HOURS = { hourly: 1, daily: 24, monthly: 730 } as const;

const MS_PER_HOUR = 3_600_000;

export interface CostMeterOptions {
  metrics: Metrics;
  ratePerSandboxHour: number;
  /** Milliseconds on a monotonic clock; injectable so tests control time. */
  now?: () => number;
}

interface Tracked {
  project: string;
  accruedUntil: number;
}

export class CostMeter {
  readonly ratePerSandboxHour: number;
  private readonly metrics: Metrics;
  private readonly now: () => number;
  private readonly tracked = new Map<string, Tracked>();

  constructor(opts: CostMeterOptions) {
    if (!(opts.ratePerSandboxHour >= 0) || !Number.isFinite(opts.ratePerSandboxHour)) {
      throw new RangeError(`the cost rate must be a non-negative number, got ${opts.ratePerSandboxHour}`);
    }
    this.metrics = opts.metrics;
    this.ratePerSandboxHour = opts.ratePerSandboxHour;
    this.now = opts.now ?? (() => performance.now());
    // A scrape sees the hours accrued up to that moment, not up to the last timer tick, and the
    // estimate of what is alive (republished, so a reset registry shows it again). Each collect
    // does its own part once, synchronously: a scrape awaits no promise for them.
    opts.metrics.sandboxHoursTotal.collect = () => this.accrueAll(this.now());
    opts.metrics.estimatedCostDollars.collect = () => this.publishEstimate();
    this.publishEstimate();
  }

  /** A sandbox came alive. */
  track(sandboxId: string, project: string): void {
    this.tracked.set(sandboxId, { project, accruedUntil: this.now() });
    this.publishEstimate();
  }

  /** A sandbox ended: its last hours are accrued and it leaves the estimate. */
  untrack(sandboxId: string): void {
    const t = this.tracked.get(sandboxId);
    if (!t) return;
    this.accrue(t, this.now());
    this.tracked.delete(sandboxId);
    this.publishEstimate();
  }

  /**
   * Accrues the hours of every live sandbox up to now and republishes the estimate (the sweep's
   * timer calls it; a scrape runs the two collects instead).
   */
  tick(): void {
    this.accrueAll(this.now());
    this.publishEstimate();
  }

  get alive(): number {
    return this.tracked.size;
  }

  private accrueAll(now: number): void {
    for (const t of this.tracked.values()) this.accrue(t, now);
  }

  private accrue(t: Tracked, now: number): void {
    const hours = (now - t.accruedUntil) / MS_PER_HOUR;
    if (hours > 0) this.metrics.sandboxHoursTotal.labels(t.project).inc(hours);
    t.accruedUntil = now;
  }

  private publishEstimate(): void {
    const perHour = this.tracked.size * this.ratePerSandboxHour;
    const gauge = this.metrics.estimatedCostDollars;
    gauge.labels("hourly").set(perHour * PERIOD_HOURS.hourly);
    gauge.labels("daily").set(perHour * PERIOD_HOURS.daily);
    gauge.labels("monthly").set(perHour * PERIOD_HOURS.monthly);
  }
}

/** The rate from SANDBOX_COST_PER_HOUR when set, else the spec's. */
export function costRateFromEnv(env: Readonly<Record<string, string | undefined>>, specRate: number): number {
  const raw = env["SANDBOX_COST_PER_HOUR"];
  if (raw === undefined || raw === "") return specRate;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`SANDBOX_COST_PER_HOUR must be a non-negative number, got "${raw}"`);
  return value;
}
