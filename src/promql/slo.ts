// PromQL of SLOs: the error ratio of an SLI over each burn-rate window, the SLI's total rate, and
// the multi-window, multi-burn-rate conditions. Fragments are built from parsed selectors and
// label lists only; tests parse every result back and the check stage analyses them.
import { BUCKET_LABEL, formatBucketBound, histogramSeries } from "../conventions/names.js";
import { SLO_LABEL, SLO_RATIO_WINDOWS, burnRateFactor, sloErrorRatioRecord, sloTotalRateRecord, type BurnRateWindow } from "../conventions/oncall.js";
import type { SloModel } from "../conventions/catalogue.js";
import { formatMatcher, withMatchers, type MatcherSpec } from "./build.js";
import { formatNumber, parseMatchers, selectorText } from "./rewrite.js";

export interface SloRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

/** The regex an `le` matcher needs: Prometheus 3 writes integral bounds as "5.0", earlier versions and clients as "5". */
export function bucketBoundPattern(bound: number): string {
  const text = formatBucketBound(bound);
  return Number.isInteger(bound) ? `${text}|${text}\\.0` : text.replace(/\./g, "\\.");
}

function sumBy(keep: readonly string[], inner: string): string {
  return `sum by (${keep.join(", ")}) (${inner})`;
}

function safeMatchers(text: string | undefined): MatcherSpec[] {
  if (text === undefined) return [];
  try {
    return parseMatchers(text);
  } catch {
    return [];
  }
}

/** The selectors of an SLI's good and total events, with the alerting selector added. */
export function sliSelectors(slo: SloModel, selector: readonly MatcherSpec[]): { good: string; total: string } {
  if (slo.sli.kind === "events") {
    return { good: withMatchers(slo.sli.good, selector), total: withMatchers(slo.sli.total, selector) };
  }
  const m = [...safeMatchers(slo.sli.matchers), ...selector];
  const h = slo.sli.histogram.name;
  return {
    good: selectorText(histogramSeries(h, "_bucket"), [...m, { label: BUCKET_LABEL, op: "=~", value: bucketBoundPattern(slo.sli.threshold) }]),
    total: selectorText(histogramSeries(h, "_count"), m),
  };
}

function safeSelectors(slo: SloModel, selector: readonly MatcherSpec[]): { good: string; total: string } | undefined {
  try {
    return sliSelectors(slo, selector);
  } catch {
    return undefined;
  }
}

/** Recording rules of one SLO: error ratio and total rate over every burn-rate window and the SLO window. */
export function sloRecordingRules(slo: SloModel, keep: readonly string[], selector: readonly MatcherSpec[]): SloRule[] {
  const sel = safeSelectors(slo, selector);
  if (!sel) return [];
  const windows = [...new Set<string>([...SLO_RATIO_WINDOWS, slo.window])];
  const labels = { [SLO_LABEL]: slo.name };
  return windows.flatMap((w) => [
    {
      record: sloErrorRatioRecord(w),
      expr: `1 - (\n  ${sumBy(keep, `rate(${sel.good}[${w}])`)}\n/\n  ${sumBy(keep, `rate(${sel.total}[${w}])`)}\n)`,
      labels,
    },
    { record: sloTotalRateRecord(w), expr: sumBy(keep, `rate(${sel.total}[${w}])`), labels },
  ]);
}

function sloSeries(record: string, slo: SloModel): string {
  return `${record}{${formatMatcher({ label: SLO_LABEL, op: "=", value: slo.name })}}`;
}

/** The burn rate over a window: the error ratio divided by the error budget. */
export function sloBurnSignal(slo: SloModel, window: string): string {
  return `${sloSeries(sloErrorRatioRecord(window), slo)} / ${formatNumber(1 - slo.objective)}`;
}

/** `(long > f × budget and short > f × budget) or …`, and the traffic floor over the fastest long window. */
export function sloBurnExpr(slo: SloModel, windows: readonly BurnRateWindow[], floor: number | undefined): string {
  const budget = formatNumber(1 - slo.objective);
  const pairs = windows.map((w) => {
    const limit = `(${formatNumber(burnRateFactor(w, slo.windowHours))} * ${budget})`;
    return `(\n  ${sloSeries(sloErrorRatioRecord(w.long), slo)} > ${limit}\nand\n  ${sloSeries(sloErrorRatioRecord(w.short), slo)} > ${limit}\n)`;
  });
  const burning = pairs.length > 1 ? `(\n${pairs.join("\nor\n")}\n)` : (pairs[0] ?? "");
  const fastest = windows[0];
  if (floor === undefined || !fastest) return burning;
  return `${burning}\nand ${sloSeries(sloTotalRateRecord(fastest.long), slo)} > ${formatNumber(floor)}`;
}
