// promtool test cases for the alerts the plan generates, with data derived from the spec: the
// scrape job, the alerting selector, the SLIs' selectors over the declared label values, the
// budget and the rate. Each alert gets a case that fires and one that stays silent; a page with a
// traffic floor gets a low-traffic case that must not page.
import { formatBucketBound, histogramSeries } from "../../conventions/names.js";
import { COST_ALERT, JOB_LABEL, SLO_LABEL, TARGET_ABSENT_ALERT, TARGET_DOWN_ALERT, UP_SERIES, WATCHDOG_ALERT } from "../../conventions/oncall.js";
import type { MetricModel, ServiceModel, SloModel } from "../types.js";
import { matcherSelects as matches } from "../../promql/regex.js";
import { selectors, toAst } from "../../promql/ast.js";
import type { MatcherSpec } from "../../promql/build.js";
import { parseDuration } from "../../promql/duration.js";
import { parseQuery } from "../../promql/parse.js";
import { formatNumber, parseMatchers } from "../../promql/rewrite.js";
import { oncallPlan, sloAlertName, type OncallPlan } from "./plan.js";

export interface GeneratedTestCase {
  alertname: string;
  name: string;
  interval: string;
  input: { series: string; values: string }[];
  evalAt: string;
  firing: { labels: Record<string, string>; annotations?: Record<string, string> }[];
}

const INSTANCES = ["a:9000", "b:9000"] as const;

function seriesText(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name}{${pairs.join(",")}}`;
}

/** Labels an equality matcher of the alerting selector pins: every test series carries them. */
function pinned(selector: readonly MatcherSpec[]): Record<string, string> {
  return Object.fromEntries(selector.filter((m) => m.op === "=" && m.label !== JOB_LABEL).map((m) => [m.label, m.value]));
}

function minutes(duration: string): number {
  return Math.max(1, Math.ceil((parseDuration(duration) ?? 60_000) / 60_000));
}

/** Go's %.4g, as Alertmanager's `humanize` prints values of ordinary size. */
function humanize(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/**
 * promtool evaluates every rule of the file, and compares the alerts of one name: other services
 * have a Watchdog, TargetDown and TargetAbsent too. Their targets are up in every outage case, and
 * their Watchdogs fire beside this one.
 */
function outageCases(service: ServiceModel, plan: OncallPlan, others: readonly ServiceModel[]): GeneratedTestCase[] {
  const job = service.scrape.job;
  const extra = pinned(plan.selector);
  const up = (instance: string): string => seriesText(UP_SERIES, { ...extra, [JOB_LABEL]: job, instance });
  const pending = minutes(service.alerting.outage.for);
  const evalAt = `${pending + 5}m`;
  const samples = pending + 10;
  const down = plan.alerts.find((a) => a.name === TARGET_DOWN_ALERT);
  const rendered = (instance: string): string =>
    (down?.description ?? "").replace("{{ $labels.instance }}", instance).replace("{{ $labels.job }}", job);
  const [a, b] = INSTANCES;
  const othersUp = others.map((o) => ({ series: seriesText(UP_SERIES, { ...pinned(oncallPlan(o).selector), [JOB_LABEL]: o.scrape.job, instance: a }), values: `1x${samples + 10}` }));
  const cases: GeneratedTestCase[] = [
    { alertname: WATCHDOG_ALERT, name: "always fires", interval: "1m", input: [{ series: up(a), values: `1x${samples}` }], evalAt, firing: [service, ...others].map(() => ({ labels: {} })) },
    {
      alertname: TARGET_DOWN_ALERT,
      name: "one instance of two down fires for that instance only",
      interval: "1m",
      input: [{ series: up(a), values: `0x${samples}` }, { series: up(b), values: `1x${samples}` }],
      evalAt,
      firing: [{ labels: { ...extra, [JOB_LABEL]: job, instance: a }, annotations: { description: rendered(a) } }],
    },
    {
      alertname: TARGET_DOWN_ALERT,
      name: `a target down for less than ${service.alerting.outage.for} is still pending`,
      interval: "1m",
      // Up for 10 minutes, then down for one minute less than the pending period at evalAt.
      input: [{ series: up(a), values: `1x10 0x${Math.max(0, pending - 2)}` }, { series: up(b), values: `1x${samples}` }],
      evalAt: `${10 + Math.max(1, pending - 1)}m`,
      firing: [],
    },
    {
      alertname: TARGET_ABSENT_ALERT,
      name: "a job without any up series fires",
      interval: "1m",
      input: [{ series: seriesText(UP_SERIES, { ...extra, [JOB_LABEL]: `${job}-other`, instance: a }), values: `1x${samples}` }],
      evalAt,
      firing: [{ labels: { ...extra, [JOB_LABEL]: job } }],
    },
    { alertname: TARGET_ABSENT_ALERT, name: "a scraped job stays silent, even when its target is down", interval: "1m", input: [{ series: up(a), values: `0x${samples}` }], evalAt, firing: [] },
  ];
  return cases.map((c) => ({ ...c, input: [...c.input, ...othersUp] }));
}

function costCases(service: ServiceModel, plan: OncallPlan): GeneratedTestCase[] {
  const cost = service.cost;
  const alert = plan.alerts.find((a) => a.name === COST_ALERT);
  const metric = cost?.hoursMetric !== undefined ? service.metricsByName.get(cost.hoursMetric) : undefined;
  if (!cost || !alert || !metric) return [];
  const threshold = cost.monthlyBudget * cost.alertFraction;
  const labels = { ...pinned(plan.selector), ...firstValues(metric) };
  // Samples every 5 minutes for 130 minutes: rate() divides by its whole window, so it needs an hour of
  // data, and the alert another hour of pending.
  const perStep = (monthly: number): string => formatNumber(monthly / 30 / 24 / 12 / cost.ratePerSandboxHour / INSTANCES.length);
  const input = (monthly: number): GeneratedTestCase["input"] =>
    INSTANCES.map((instance) => ({ series: seriesText(metric.name, { ...labels, [JOB_LABEL]: service.scrape.job, instance }), values: `0+${perStep(monthly)}x26` }));
  const high = Math.ceil(threshold * 1.2);
  const low = Math.floor(threshold * 0.8);
  const job = { [JOB_LABEL]: service.scrape.job, ...pinned(plan.selector) };
  return [
    {
      alertname: COST_ALERT,
      name: `sandbox-hours worth ${high} ${cost.currency} a month across two instances fire`,
      interval: "5m",
      input: input(high),
      evalAt: "125m",
      firing: [{ labels: job, annotations: { description: alert.description.replace("{{ $value | humanize }}", humanize(high)).split('{{ "{{" }}').join("{{") } }],
    },
    { alertname: COST_ALERT, name: `sandbox-hours worth ${low} ${cost.currency} a month stay silent`, interval: "5m", input: input(low), evalAt: "125m", firing: [] },
  ];
}

function firstValues(metric: MetricModel): Record<string, string> {
  return Object.fromEntries(metric.labels.flatMap((l) => (l.values[0] !== undefined ? [[l.name, l.values[0]] as const] : [])));
}

/** The label sets of a declared metric a selector matches, one value per label it leaves free. */
function matchedLabelSets(metric: MetricModel, matchers: readonly MatcherSpec[]): Record<string, string>[] {
  let sets: Record<string, string>[] = [{}];
  for (const l of metric.labels) {
    const own = matchers.filter((m) => m.label === l.name);
    const values = own.length === 0 ? l.values.slice(0, 1) : l.values.filter((v) => own.every((m) => matches(m.op, m.value, v)));
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [l.name]: v })));
  }
  return sets;
}

function parsedSelector(text: string): { name: string; matchers: MatcherSpec[] } | undefined {
  const parsed = parseQuery(text);
  if (parsed.problems.length > 0) return undefined;
  const ast = toAst(parsed);
  const sel = ast ? selectors(ast)[0] : undefined;
  if (!sel?.name) return undefined;
  return { name: sel.name, matchers: sel.matchers.filter((m) => m.label !== "__name__").map((m) => ({ label: m.label, op: m.op, value: m.value })) };
}

interface Stream {
  name: string;
  labels: Record<string, string>;
  /** Events per minute for a total of `total` and an error share of `errors`. */
  perMinute: (total: number, errors: number) => number;
}

/** Counter streams that produce an SLI with a given total rate and error share. */
function sliStreams(service: ServiceModel, slo: SloModel): Stream[] | undefined {
  if (slo.sli.kind === "latency") {
    const h = slo.sli.histogram;
    let m: MatcherSpec[] = [];
    try {
      m = slo.sli.matchers !== undefined ? parseMatchers(slo.sli.matchers) : [];
    } catch {
      return undefined;
    }
    const base = matchedLabelSets(h, m)[0] ?? {};
    const good = (t: number, e: number): number => t * (1 - e);
    return [
      { name: histogramSeries(h.name, "_bucket"), labels: { ...base, le: formatBucketBound(slo.sli.threshold) }, perMinute: good },
      { name: histogramSeries(h.name, "_bucket"), labels: { ...base, le: "+Inf" }, perMinute: (t) => t },
      { name: histogramSeries(h.name, "_count"), labels: base, perMinute: (t) => t },
    ];
  }
  const good = parsedSelector(slo.sli.good);
  const total = parsedSelector(slo.sli.total);
  const gm = good ? service.metricsByName.get(good.name) : undefined;
  const tm = total ? service.metricsByName.get(total.name) : undefined;
  if (!good || !total || !gm || !tm) return undefined;
  if (gm !== tm) {
    return [
      { name: gm.name, labels: matchedLabelSets(gm, good.matchers)[0] ?? {}, perMinute: (t, e) => t * (1 - e) },
      { name: tm.name, labels: matchedLabelSets(tm, total.matchers)[0] ?? {}, perMinute: (t) => t },
    ];
  }
  const all = matchedLabelSets(tm, total.matchers);
  const isGood = (s: Record<string, string>): boolean => good.matchers.every((m) => matches(m.op, m.value, s[m.label] ?? ""));
  const goods = all.filter(isGood);
  const bads = all.filter((s) => !isGood(s));
  if (goods.length === 0 || bads.length === 0) return undefined;
  return [
    ...goods.map((labels) => ({ name: tm.name, labels, perMinute: (t: number, e: number) => (t * (1 - e)) / goods.length })),
    ...bads.map((labels) => ({ name: tm.name, labels, perMinute: (t: number, e: number) => (t * e) / bads.length })),
  ];
}

function sloCases(service: ServiceModel, plan: OncallPlan): GeneratedTestCase[] {
  return service.slos.flatMap((slo) => {
    const streams = sliStreams(service, slo);
    if (!streams) return [];
    const job = service.scrape.job;
    const extra = pinned(plan.selector);
    const input = (total: number, errors: number): GeneratedTestCase["input"] =>
      INSTANCES.flatMap((instance) =>
        streams.map((s) => ({
          series: seriesText(s.name, { ...extra, ...s.labels, [JOB_LABEL]: job, instance }),
          values: `0+${formatNumber(s.perMinute(total, errors) / INSTANCES.length)}x25`,
        })),
      );
    const budget = 1 - slo.objective;
    const floorPerMinute = (slo.minRate ?? 0) * 60;
    const busy = Math.max(120, Math.ceil(floorPerMinute * 4));
    const labels = (severity: string): Record<string, string> => ({ ...extra, [JOB_LABEL]: job, [SLO_LABEL]: slo.name, severity });
    const name = sloAlertName(slo);
    const cases: GeneratedTestCase[] = [
      { alertname: name, name: "a steady 50 % error ratio pages and opens a ticket", interval: "1m", input: input(busy, 0.5), evalAt: "20m", firing: [{ labels: labels("critical") }, { labels: labels("warning") }] },
      { alertname: name, name: `an error ratio of half the budget (${formatNumber(budget * 50)} %) stays silent`, interval: "1m", input: input(busy, budget / 2), evalAt: "20m", firing: [] },
    ];
    if (slo.minRate !== undefined) {
      cases.push({
        alertname: name,
        name: `50 % errors under the traffic floor of ${formatNumber(slo.minRate)}/s open a ticket but do not page`,
        interval: "1m",
        input: input(floorPerMinute / 4, 0.5),
        evalAt: "20m",
        firing: [{ labels: labels("warning") }],
      });
    }
    return cases;
  });
}

/** `others`: the other services of the model, whose rules share the rule file. */
export function generatedTestCases(service: ServiceModel, plan: OncallPlan, others: readonly ServiceModel[] = []): GeneratedTestCase[] {
  return [...outageCases(service, plan, others), ...costCases(service, plan), ...sloCases(service, plan)];
}
