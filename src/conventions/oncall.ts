// Names and numbers of the on-call rules every service gets: outage alerts, SLO recording rules and
// the multi-window, multi-burn-rate policy of the Google SRE workbook. One place spells them.

/** The alert that always fires: Alertmanager forwards it to the dead man's switch. */
export const WATCHDOG_ALERT = "Watchdog";
/** `up == 0` for a job's target. */
export const TARGET_DOWN_ALERT = "TargetDown";
/** No `up` series at all for a job: it is not scraped (or Prometheus lost its config). */
export const TARGET_ABSENT_ALERT = "TargetAbsent";
export const OUTAGE_ALERTS = [TARGET_DOWN_ALERT, TARGET_ABSENT_ALERT] as const;
/** The generated cost alert, from the spec's cost section. */
export const COST_ALERT = "HighMonthlyCost";

/** Prometheus' own per-target series. */
export const UP_SERIES = "up";
export const JOB_LABEL = "job";
export const ALERTNAME_LABEL = "alertname";
/** Label of the SLO recording rules and alerts: the SLO's name. */
export const SLO_LABEL = "slo";

/** Windows the SLO error ratio is recorded over: every burn-rate alert window. */
export const SLO_RATIO_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type SloRatioWindow = (typeof SLO_RATIO_WINDOWS)[number];

export function sloErrorRatioRecord(window: string): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** The SLO's total events per second over a window, for its traffic floor and its dashboard. */
export function sloTotalRateRecord(window: string): string {
  return `slo:sli_total:rate${window}`;
}

export interface BurnRateWindow {
  severity: "critical" | "warning";
  long: SloRatioWindow;
  short: SloRatioWindow;
  /** Share of the whole error budget this pair spends before it fires (workbook: 2 %, 5 %, 10 %, 10 %). */
  budgetSpent: number;
  /** The long window in hours. */
  longHours: number;
  for: string;
}

/**
 * The workbook's policy for a 30-day window: page at 14.4× over 1h and 5m or 6× over 6h and 30m;
 * ticket at 3× over 1d and 2h or 1× over 3d and 6h. The factor of each pair is
 * budgetSpent × window / long window, which gives 14.4, 6, 3 and 1 for 30 days.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { severity: "critical", long: "1h", short: "5m", budgetSpent: 0.02, longHours: 1, for: "2m" },
  { severity: "critical", long: "6h", short: "30m", budgetSpent: 0.05, longHours: 6, for: "2m" },
  { severity: "warning", long: "1d", short: "2h", budgetSpent: 0.1, longHours: 24, for: "15m" },
  { severity: "warning", long: "3d", short: "6h", budgetSpent: 0.1, longHours: 72, for: "15m" },
];

export function burnRateFactor(w: BurnRateWindow, windowHours: number): number {
  return (w.budgetSpent * windowHours) / w.longHours;
}

export const RUNBOOKS_DIR = "runbooks";
export function runbookPath(alert: string): string {
  return `${RUNBOOKS_DIR}/${alert}.md`;
}

/** Tag of the generated triage dashboard: its panels draw alert expressions with their own windows. */
export const ALERT_SIGNALS_TAG = "alert-signals";
