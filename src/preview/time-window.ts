// The time a preview draws: the dashboard's range ending at the picture's instant, and a panel's own
// range where it sets Grafana's `timeFrom` (relative time: now/d is today so far, now-24h the last
// 24 hours). Calendar units round down in UTC, the zone every preview is drawn in.
import { parseDuration } from "../promql/duration.js";

export interface TimeWindow {
  /** Unix ms. */
  start: number;
  end: number;
  stepMs: number;
}

const DEFAULT_RANGE_MS = 6 * 3_600_000;

/** About 120 points a chart, on whole minutes. */
function stepFor(rangeMs: number): number {
  return Math.max(60_000, Math.round(rangeMs / 120 / 60_000) * 60_000);
}

/** The dashboard's range (its `time.from`, `now-6h` unless it says otherwise) ending at `end`, aligned on its step. */
export function dashboardWindow(from: string, end: number): TimeWindow {
  const ago = /^now-(.+)$/.exec(from)?.[1];
  const range = (ago !== undefined ? parseDuration(ago) : undefined) ?? DEFAULT_RANGE_MS;
  const stepMs = stepFor(range);
  return { start: end - Math.floor(range / stepMs) * stepMs, end, stepMs };
}

type Unit = "s" | "m" | "h" | "d" | "w" | "M" | "y";
const RELATIVE_TIME = /^now(?:-(\d+)([smhdwMy]))?(?:\/([smhdwMy]))?$/;
const FIXED_MS: Readonly<Record<Exclude<Unit, "M" | "y">, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const UNIT_WORDS: Readonly<Record<Unit, string>> = { s: "second", m: "minute", h: "hour", d: "day", w: "week", M: "month", y: "year" };
const SO_FAR: Readonly<Partial<Record<Unit, string>>> = { d: "Today so far", w: "This week so far", M: "This month so far", y: "This year so far" };

function minus(t: number, n: number, unit: Unit): number {
  if (unit === "M" || unit === "y") {
    const d = new Date(t);
    d.setUTCMonth(d.getUTCMonth() - (unit === "M" ? n : 12 * n));
    return d.getTime();
  }
  return t - n * FIXED_MS[unit];
}

// Grafana's week starts on Monday in most locales; the preview uses that.
function startOf(t: number, unit: Unit): number {
  const d = new Date(t);
  switch (unit) {
    case "s":
    case "m":
    case "h":
      return t - (t % FIXED_MS[unit]);
    case "d":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case "w":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    case "M":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "y":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

/**
 * A panel's window: from its `timeFrom` to the dashboard's end, or the dashboard's window when it
 * has none (or one the preview cannot read, which Grafana would ignore too).
 */
export function panelWindow(timeFrom: string | undefined, dashboard: TimeWindow): TimeWindow {
  const m = timeFrom !== undefined ? RELATIVE_TIME.exec(timeFrom) : null;
  if (!m) return dashboard;
  const [, n, unit, round] = m;
  let start = n !== undefined && unit !== undefined ? minus(dashboard.end, Number(n), unit as Unit) : dashboard.end;
  if (round !== undefined) start = startOf(start, round as Unit);
  const range = Math.max(0, dashboard.end - start);
  return { start, end: dashboard.end, stepMs: stepFor(range) };
}

/** What Grafana writes beside a panel's title for its `timeFrom` ("Today so far", "Last 24 hours"). */
export function describeTimeFrom(timeFrom: string): string {
  const m = RELATIVE_TIME.exec(timeFrom);
  const [, n, unit, round] = m ?? [];
  if (n === undefined && round !== undefined) return SO_FAR[round as Unit] ?? timeFrom;
  if (n !== undefined && unit !== undefined && round === undefined) return `Last ${n} ${UNIT_WORDS[unit as Unit]}${n === "1" ? "" : "s"}`;
  return timeFrom;
}
