// Compares two resolved Models semantically: metrics (renames detected), labels, label values,
// buckets, dashboards, panels, alerts, recording rules and scrape settings. Breaking changes say
// why, what in the base still reads the thing, and which generated API calls stop compiling.
import { BUCKET_LABEL, HISTOGRAM_SUFFIXES, camelCase, formatBucketBound } from "../conventions/names.js";
import type { AlertModel, DashboardModel, LabelModel, MetricModel, Model, PanelModel, RecordingRuleModel, ScrapeModel, ServiceModel, StackDeploymentModel } from "../model/types.js";
import { selectors, toAst, type Expr } from "../promql/ast.js";
import { parseQuery } from "../promql/parse.js";
import { apiCall, methodsOf, querySites, usesOfBuckets, usesOfLabel, usesOfLabelValue, usesOfMetric, type QuerySite } from "./usage.js";
import type { Breaking, CardinalityRow, Change, DiffReport } from "./types.js";

/** Help texts at least this similar (word overlap) mark a removed + added metric pair as a rename. */
const RENAME_SIMILARITY = 0.5;

export function diffModels(base: Model, head: Model, names: { base: string; head: string }): DiffReport {
  const changes: Change[] = [];
  const rows: CardinalityRow[] = [];
  const baseBy = new Map(base.services.map((s) => [s.name, s]));
  const headBy = new Map(head.services.map((s) => [s.name, s]));
  const all = [...new Set([...baseBy.keys(), ...headBy.keys()])].sort();
  for (const name of all) {
    const b = baseBy.get(name);
    const h = headBy.get(name);
    const out = new ServiceChanges(name, changes, b ? querySites(b) : []);
    if (!b) out.add("services", "added", name, `service added (${h?.metrics.length ?? 0} metrics)`);
    if (!h) out.add("services", "removed", name, `service removed (${b?.metrics.length ?? 0} metrics)`);
    compareMetrics(out, b?.metrics ?? [], h?.metrics ?? [], rows);
    compareDashboards(out, b?.dashboards ?? [], h?.dashboards ?? []);
    compareAlerts(out, b?.alerts ?? [], h?.alerts ?? []);
    compareRecordingRules(out, b?.recordingRules ?? [], h?.recordingRules ?? []);
    if (b && h) compareScrape(out, b.scrape, h.scrape, b);
    if (b && h) compareStack(out, base.deployment.stack, head.deployment.stack);
  }
  const total = (m: Model): number => m.services.reduce((n, s) => n + s.totalSeries, 0);
  return {
    base: names.base,
    head: names.head,
    changes,
    cardinality: { metrics: rows, total: { base: total(base), head: total(head) } },
    breakingCount: changes.filter((c) => c.breaking).length,
  };
}

class ServiceChanges {
  constructor(
    readonly service: string,
    private readonly changes: Change[],
    readonly baseSites: readonly QuerySite[],
  ) {}

  count(): number {
    return this.changes.length;
  }

  /** Moves the changes added after `index` that match into the detail of the change at `index`. */
  foldInto(index: number, matches: (c: Change) => boolean): void {
    const target = this.changes[index];
    if (!target) return;
    for (let i = this.changes.length - 1; i > index; i--) {
      const c = this.changes[i];
      if (!c || !matches(c)) continue;
      target.detail = `${target.detail}; ${c.detail}`;
      this.changes.splice(i, 1);
    }
  }

  add(group: Change["group"], kind: Change["kind"], subject: string, detail: string, breaking?: Breaking): void {
    this.changes.push({ service: this.service, group, kind, subject, detail, ...(breaking ? { breaking } : {}) });
  }
}

function allSeriesSelector(m: MetricModel): NonNullable<Breaking["orphanSelector"]> {
  return m.type === "histogram"
    ? { name: "", matchers: [{ label: "__name__", op: "=~", value: HISTOGRAM_SUFFIXES.map((s) => m.name + s).join("|") }] }
    : { name: m.name, matchers: [] };
}

function withMatcher(sel: NonNullable<Breaking["orphanSelector"]>, matcher: { label: string; op: "=" | "!=" | "=~"; value: string }): NonNullable<Breaking["orphanSelector"]> {
  return { name: sel.name, matchers: [...sel.matchers, matcher] };
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1));
}

/** Jaccard similarity of the help texts' words. */
export function helpSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  const inter = [...wa].filter((w) => wb.has(w)).length;
  const union = new Set([...wa, ...wb]).size;
  return union === 0 ? 1 : inter / union;
}

function labelKey(m: MetricModel): string {
  return m.labels.map((l) => l.name).sort().join(",");
}

function compareMetrics(out: ServiceChanges, base: readonly MetricModel[], head: readonly MetricModel[], rows: CardinalityRow[]): void {
  const baseBy = new Map(base.map((m) => [m.name, m]));
  const headBy = new Map(head.map((m) => [m.name, m]));
  const removed = base.filter((m) => !headBy.has(m.name));
  const added = head.filter((m) => !baseBy.has(m.name));
  const renamedTo = new Map<string, MetricModel>();
  const taken = new Set<string>();
  for (const r of removed) {
    let best: { m: MetricModel; score: number } | undefined;
    for (const a of added) {
      if (taken.has(a.name) || a.type !== r.type || labelKey(a) !== labelKey(r)) continue;
      const score = helpSimilarity(r.help, a.help);
      if (score >= RENAME_SIMILARITY && (!best || score > best.score)) best = { m: a, score };
    }
    if (best) {
      renamedTo.set(r.name, best.m);
      taken.add(best.m.name);
    }
  }

  for (const b of base) {
    const h = headBy.get(b.name) ?? renamedTo.get(b.name);
    if (h && h.name !== b.name) {
      out.add("metrics", "renamed", b.name, `renamed to ${h.name} (same type and labels, similar help)`, {
        reason: "stored series keep the old name, so history stops at the rename; queries and the module property change name",
        usedBy: usesOfMetric(out.baseSites, b),
        api: [{ call: `metrics.${camelCase(b.name)}`, effect: `no longer exists; it is metrics.${camelCase(h.name)}` }],
        orphanSelector: allSeriesSelector(b),
      });
    }
    if (!h) {
      out.add("metrics", "removed", b.name, `${b.type} removed (${b.maxSeries} series)`, {
        reason: "metric removed: its series stop, and queries that read it return nothing",
        usedBy: usesOfMetric(out.baseSites, b),
        api: [{ call: apiCall(b), effect: "no longer exists" }],
        orphanSelector: allSeriesSelector(b),
      });
      rows.push({ service: out.service, metric: b.name, base: b.maxSeries });
      continue;
    }
    const before = out.count();
    compareMetric(out, b, h);
    // A rename is listed once: what else changed with it (help, unit) joins the rename's line.
    if (h.name !== b.name) out.foldInto(before - 1, (c) => c.group === "metrics" && c.breaking === undefined);
    if (b.maxSeries !== h.maxSeries) rows.push({ service: out.service, metric: h.name, base: b.maxSeries, head: h.maxSeries });
  }
  for (const h of added) {
    if (taken.has(h.name)) continue;
    const labels = h.labels.length > 0 ? `, labels ${h.labels.map((l) => l.name).join(", ")}` : "";
    out.add("metrics", "added", h.name, `${h.type} added (${h.maxSeries} series${labels})`);
    rows.push({ service: out.service, metric: h.name, head: h.maxSeries });
  }
}

function compareMetric(out: ServiceChanges, b: MetricModel, h: MetricModel): void {
  const subject = h.name;
  if (b.type !== h.type) {
    out.add("metrics", "changed", subject, `type ${b.type} → ${h.type}`, {
      reason: "type changed: rate()/increase() and histogram_quantile() read the series differently, and stored history has the old type",
      usedBy: usesOfMetric(out.baseSites, b),
      api: [{
        call: apiCall(b),
        effect: methodsOf(h.type).includes(methodsOf(b.type))
          ? `still compiles, but now updates a ${h.type}`
          : `no longer exists: metrics.${camelCase(h.name)} is now a ${h.type} with ${methodsOf(h.type)}`,
      }],
      orphanSelector: allSeriesSelector(b),
    });
  }
  if (b.help !== h.help) out.add("metrics", "changed", subject, `help "${b.help}" → "${h.help}"`);
  if (b.unit !== h.unit) out.add("metrics", "changed", subject, `unit ${b.unit ?? "(none)"} → ${h.unit ?? "(none)"}`);
  compareLabels(out, b, h);
  if (b.type === "histogram" && h.type === "histogram") compareBuckets(out, b, h);
}

function compareLabels(out: ServiceChanges, b: MetricModel, h: MetricModel): void {
  const headLabels = new Map(h.labels.map((l) => [l.name, l]));
  const baseLabels = new Map(b.labels.map((l) => [l.name, l]));
  for (const bl of b.labels) {
    const hl = headLabels.get(bl.name);
    const subject = `${h.name}{${bl.name}}`;
    if (!hl) {
      out.add("labels", "removed", subject, `label removed (had ${bl.values.length} values: ${bl.values.join(", ")})`, {
        reason: "label removed: queries that match, group by or print it lose their split",
        usedBy: usesOfLabel(out.baseSites, b, bl.name),
        api: [{ call: apiCall(b, { [bl.name]: bl.values[0] ?? "" }), effect: `no longer type-checks: the labels type has no "${bl.name}"` }],
        orphanSelector: withMatcher(allSeriesSelector(b), { label: bl.name, op: "!=", value: "" }),
      });
      continue;
    }
    compareLabelValues(out, b, h, bl, hl);
  }
  for (const hl of h.labels) {
    if (baseLabels.has(hl.name)) continue;
    out.add("labels", "added", `${h.name}{${hl.name}}`, `label added with ${hl.values.length} values: ${hl.values.join(", ")}`, {
      reason: "label added: every call must now pass it (the generated labels type requires it), and new series no longer continue the old ones",
      usedBy: [],
      api: [{ call: apiCall(h), effect: `must now pass ${hl.name}: ${hl.values.map((v) => JSON.stringify(v)).join(" | ")}` }],
    });
  }
}

function compareLabelValues(out: ServiceChanges, b: MetricModel, h: MetricModel, bl: LabelModel, hl: LabelModel): void {
  const subject = `${h.name}{${hl.name}}`;
  for (const v of bl.values) {
    if (hl.values.includes(v)) continue;
    const api = {
      call: apiCall(h, { [hl.name]: v }),
      effect:
        hl.fallback !== undefined
          ? `still compiles, but is now recorded as ${JSON.stringify(hl.fallback)}`
          : `no longer type-checks: the type does not accept ${JSON.stringify(v)} (and at run time it throws a RangeError)`,
    };
    out.add("labels", "removed", subject, `value "${v}" removed`, {
      reason: `label value removed: series with ${hl.name}="${v}" stop, and queries that select it return nothing`,
      usedBy: usesOfLabelValue(out.baseSites, b, bl.name, v),
      api: [api],
      orphanSelector: withMatcher(allSeriesSelector(b), { label: bl.name, op: "=", value: v }),
    });
  }
  const addedValues = hl.values.filter((v) => !bl.values.includes(v));
  if (addedValues.length > 0) out.add("labels", "added", subject, `value${addedValues.length > 1 ? "s" : ""} ${addedValues.map((v) => `"${v}"`).join(", ")} added`);
  if (bl.fallback !== hl.fallback) out.add("labels", "changed", subject, `fallback ${bl.fallback ?? "(none)"} → ${hl.fallback ?? "(none)"}`);
}

function compareBuckets(out: ServiceChanges, b: MetricModel, h: MetricModel): void {
  const same = b.buckets.length === h.buckets.length && b.buckets.every((x, i) => x === h.buckets[i]);
  if (same) return;
  const gone = b.buckets.filter((x) => !h.buckets.includes(x));
  const fresh = h.buckets.filter((x) => !b.buckets.includes(x));
  const parts = [...gone.map((x) => `-${formatBucketBound(x)}`), ...fresh.map((x) => `+${formatBucketBound(x)}`)];
  const breaking: Breaking = {
    reason: "bucket layout changed: quantiles and heatmaps over a window that spans the change mix two layouts" + (gone.length > 0 ? "; removed bounds' series stop" : ""),
    usedBy: usesOfBuckets(out.baseSites, b),
    api: [],
  };
  if (gone.length > 0) {
    breaking.orphanSelector = { name: h.name + HISTOGRAM_SUFFIXES[0], matchers: [{ label: BUCKET_LABEL, op: "=~", value: gone.map(formatBucketBound).join("|") }] };
  }
  out.add("buckets", "changed", h.name, `buckets [${b.buckets.join(", ")}] → [${h.buckets.join(", ")}] (${parts.join(" ")})`, breaking);
}

function panelsOf(dashboards: readonly DashboardModel[]): Map<string, { dashboard: DashboardModel; panel: PanelModel }> {
  const map = new Map<string, { dashboard: DashboardModel; panel: PanelModel }>();
  for (const d of dashboards) for (const row of d.rows) for (const panel of row.panels) map.set(`${d.uid}/${panel.key}`, { dashboard: d, panel });
  return map;
}

function thresholdText(steps: PanelModel["thresholds"]): string {
  return steps === undefined || steps.length === 0 ? "(none)" : steps.map((s) => (s.value === undefined ? s.color : `${s.value} ${s.color}`)).join(", ");
}

function squash(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A base dashboard whose uid is gone, paired with a new head dashboard of the same title (or the same panel keys): a uid change. */
function uidRenames(base: readonly DashboardModel[], head: readonly DashboardModel[]): Map<string, DashboardModel> {
  const keys = (d: DashboardModel): string => d.rows.flatMap((r) => r.panels.map((p) => p.key)).sort().join(",");
  const gone = base.filter((b) => !head.some((h) => h.uid === b.uid));
  const fresh = head.filter((h) => !base.some((b) => b.uid === h.uid));
  const out = new Map<string, DashboardModel>();
  for (const b of gone) {
    const heir = fresh.find((h) => ![...out.values()].includes(h) && (h.title === b.title || keys(h) === keys(b)));
    if (heir) out.set(b.uid, heir);
  }
  return out;
}

function compareDashboards(out: ServiceChanges, base: readonly DashboardModel[], head: readonly DashboardModel[]): void {
  const renamed = uidRenames(base, head);
  const heirs = new Set([...renamed.values()].map((d) => d.uid));
  const baseBy = new Map(base.map((d) => [d.uid, d]));
  const headBy = new Map(head.map((d) => [d.uid, d]));
  for (const d of base) {
    const heir = renamed.get(d.uid);
    if (heir) out.add("dashboards", "renamed", d.uid, `uid ${d.uid} → ${heir.uid}${heir.title !== d.title ? `; title "${d.title}" → "${heir.title}"` : ""}`);
    else if (!headBy.has(d.uid)) out.add("dashboards", "removed", d.uid, `dashboard "${d.title}" removed`);
  }
  for (const d of head) {
    const b = baseBy.get(d.uid);
    if (!b && !heirs.has(d.uid)) out.add("dashboards", "added", d.uid, `dashboard "${d.title}" added`);
    else if (b) {
      const diffs: string[] = [];
      if (b.title !== d.title) diffs.push(`title "${b.title}" → "${d.title}"`);
      if (b.timeRange.from !== d.timeRange.from || b.timeRange.to !== d.timeRange.to) diffs.push(`time range ${b.timeRange.from}..${b.timeRange.to} → ${d.timeRange.from}..${d.timeRange.to}`);
      if (b.refresh !== d.refresh) diffs.push(`refresh ${b.refresh} → ${d.refresh}`);
      if ((b.description ?? "") !== (d.description ?? "")) diffs.push("description changed");
      if (diffs.length > 0) out.add("dashboards", "changed", d.uid, diffs.join("; "));
    }
  }
  // Panels of a renamed dashboard are compared with the heir's: the rename is listed once.
  const bp = panelsOf(base.map((d) => (renamed.has(d.uid) ? { ...d, uid: renamed.get(d.uid)?.uid ?? d.uid } : d)));
  const hp = panelsOf(head);
  for (const [key, { panel }] of bp) if (!hp.has(key)) out.add("panels", "removed", key, `${panel.kind} "${panel.title}" removed`);
  for (const [key, { panel: h }] of hp) {
    const b = bp.get(key)?.panel;
    if (!b) {
      out.add("panels", "added", key, `${h.kind} "${h.title}" added${panelFacts(h, rowOf(head, key))}`);
      continue;
    }
    const diffs: string[] = [];
    if (b.id !== h.id) diffs.push(`id ${b.id} → ${h.id}`);
    if (b.title !== h.title) diffs.push(`title "${b.title}" → "${h.title}"`);
    if (b.kind !== h.kind) diffs.push(`kind ${b.kind} → ${h.kind}`);
    if (b.unit !== h.unit) diffs.push(`unit ${b.unit ?? "(none)"} → ${h.unit ?? "(none)"}`);
    if (b.min !== h.min || b.max !== h.max) diffs.push(`range ${b.min ?? "auto"}..${b.max ?? "auto"} → ${h.min ?? "auto"}..${h.max ?? "auto"}`);
    if ((b.stacked ?? false) !== (h.stacked ?? false)) diffs.push(h.stacked ? "now stacked" : "no longer stacked");
    if (thresholdText(b.thresholds) !== thresholdText(h.thresholds)) diffs.push(`thresholds ${thresholdText(b.thresholds)} → ${thresholdText(h.thresholds)}`);
    if (b.width !== h.width || b.height !== h.height) diffs.push(`size ${b.width}×${b.height} → ${h.width}×${h.height}`);
    if ((b.description ?? "") !== (h.description ?? "")) diffs.push(`description "${squash(b.description ?? "")}" → "${squash(h.description ?? "")}"`);
    const bRow = rowOf(base.map((d) => (renamed.has(d.uid) ? { ...d, uid: renamed.get(d.uid)?.uid ?? d.uid } : d)), key);
    const hRow = rowOf(head, key);
    if (bRow !== hRow) diffs.push(`row "${bRow ?? ""}" → "${hRow ?? ""}"`);
    const n = Math.max(b.queries.length, h.queries.length);
    for (let i = 0; i < n; i++) {
      const bq = b.queries[i];
      const hq = h.queries[i];
      if (!bq) diffs.push(`query ${i + 1} added: \`${squash(hq?.expr ?? "")}\``);
      else if (!hq) diffs.push(`query ${i + 1} removed: \`${squash(bq.expr)}\``);
      else {
        if (squash(bq.expr) !== squash(hq.expr)) diffs.push(`query ${i + 1} \`${squash(bq.expr)}\` → \`${squash(hq.expr)}\``);
        if (bq.legend !== hq.legend) diffs.push(`legend ${JSON.stringify(bq.legend ?? "")} → ${JSON.stringify(hq.legend ?? "")}`);
      }
    }
    // A reviewer of a changed panel sees where it is and what it draws, not only what moved.
    if (diffs.length > 0) out.add("panels", "changed", key, `${diffs.join("; ")}${panelFacts(h, hRow)}`);
  }
}

function rowOf(dashboards: readonly DashboardModel[], key: string): string | undefined {
  for (const d of dashboards) for (const row of d.rows) for (const p of row.panels) if (`${d.uid}/${p.key}` === key) return row.title;
  return undefined;
}

/** ` (row "Health", unit percent, query \`…\`)`: what a new or changed panel draws. */
function panelFacts(p: PanelModel, row: string | undefined): string {
  const parts = [`row "${row ?? ""}"`, `unit ${p.unit ?? "(none)"}`, ...p.queries.map((q, i) => `query${p.queries.length > 1 ? ` ${i + 1}` : ""} \`${squash(q.expr)}\``)];
  return ` (${parts.join(", ")})`;
}

/** The comparison at the top of an alert expression (`… > 5` gives "> 5"), and the text before it. */
export function alertThreshold(expr: string): { condition: string; threshold?: string } {
  const parsed = parseQuery(expr);
  const ast: Expr | undefined = parsed.problems.length === 0 ? toAst(parsed) : undefined;
  if (ast && ast.kind === "binary" && [">", "<", ">=", "<=", "==", "!="].includes(ast.op) && ast.rhs.kind === "number") {
    return { condition: squash(expr.slice(0, ast.lhs.to)), threshold: `${ast.op} ${ast.rhs.value}` };
  }
  return { condition: squash(expr) };
}

function compareAlerts(out: ServiceChanges, base: readonly AlertModel[], head: readonly AlertModel[]): void {
  const baseBy = new Map(base.map((a) => [a.name, a]));
  const headBy = new Map(head.map((a) => [a.name, a]));
  for (const a of base) if (!headBy.has(a.name)) out.add("alerts", "removed", a.name, `${a.severity} alert removed (was \`${squash(a.expr)}\` for ${a.for})`);
  for (const h of head) {
    const b = baseBy.get(h.name);
    if (!b) {
      out.add("alerts", "added", h.name, `${h.severity} alert added: \`${squash(h.expr)}\` for ${h.for}`);
      continue;
    }
    const diffs: string[] = [];
    const bt = alertThreshold(b.expr);
    const ht = alertThreshold(h.expr);
    if (bt.condition !== ht.condition) diffs.push(`expr \`${squash(b.expr)}\` → \`${squash(h.expr)}\``);
    else if (bt.threshold !== ht.threshold) diffs.push(`threshold ${bt.threshold ?? "(none)"} → ${ht.threshold ?? "(none)"}`);
    if (b.for !== h.for) diffs.push(`for ${b.for} → ${h.for}`);
    if (b.severity !== h.severity) diffs.push(`severity ${b.severity} → ${h.severity}`);
    if (b.panel !== h.panel) diffs.push(`panel ${b.panel ?? "(none)"} → ${h.panel ?? "(none)"}`);
    if (b.summary !== h.summary) diffs.push("summary changed");
    if (b.tests.length !== h.tests.length) diffs.push(`${b.tests.length} → ${h.tests.length} rule tests`);
    if (diffs.length > 0) out.add("alerts", "changed", h.name, diffs.join("; "));
  }
}

function compareRecordingRules(out: ServiceChanges, base: readonly RecordingRuleModel[], head: readonly RecordingRuleModel[]): void {
  const headBy = new Map(head.map((r) => [r.record, r]));
  const baseBy = new Map(base.map((r) => [r.record, r]));
  for (const r of base) {
    const h = headBy.get(r.record);
    if (!h) {
      out.add("recording rules", "removed", r.record, "recording rule removed", {
        reason: "the recorded series stops; queries that read it return nothing",
        usedBy: out.baseSites.filter((s) => selectors(s.expr).some((sel) => sel.name === r.record)).map((s) => s.where),
        api: [],
        orphanSelector: { name: r.record, matchers: [] },
      });
    } else if (squash(r.expr) !== squash(h.expr)) {
      out.add("recording rules", "changed", r.record, `expr \`${squash(r.expr)}\` → \`${squash(h.expr)}\``);
    }
  }
  for (const h of head) if (!baseBy.has(h.record)) out.add("recording rules", "added", h.record, `recording rule added: \`${squash(h.expr)}\``);
}

function compareScrape(out: ServiceChanges, b: ScrapeModel, h: ScrapeModel, base: ServiceModel): void {
  if (b.job !== h.job) {
    out.add("scrape", "changed", "job", `job "${b.job}" → "${h.job}"`, {
      reason: `every series is stored under job="${h.job}" from now on; history stays under job="${b.job}"`,
      usedBy: [],
      api: [],
      orphanSelector: { name: "", matchers: [{ label: "job", op: "=", value: b.job }, { label: "__name__", op: "=~", value: base.metrics.map((m) => (m.type === "histogram" ? HISTOGRAM_SUFFIXES.map((s) => m.name + s).join("|") : m.name)).join("|") }] },
    });
  }
  for (const field of ["interval", "evaluationInterval", "retention", "retentionSize", "metricsPath"] as const) {
    if (b[field] !== h[field]) out.add("scrape", "changed", field, `${field} ${b[field] ?? "(none)"} → ${h[field] ?? "(none)"}`);
  }
  // Where samples leave this Prometheus: a reviewer should see every new destination.
  const urls = (s: ScrapeModel) => s.remoteWrite.map((r) => r.url);
  for (const url of urls(b).filter((u) => !urls(h).includes(u))) out.add("scrape", "removed", "remoteWrite", `remote_write to ${url} removed`);
  for (const url of urls(h).filter((u) => !urls(b).includes(u))) out.add("scrape", "added", "remoteWrite", `remote_write to ${url} added: every sample is also sent there`);
  const gone = b.targets.filter((t) => !h.targets.includes(t));
  const fresh = h.targets.filter((t) => !b.targets.includes(t));
  if (gone.length > 0) out.add("scrape", "removed", "targets", `targets removed: ${gone.join(", ")}`);
  if (fresh.length > 0) out.add("scrape", "added", "targets", `targets added: ${fresh.join(", ")}`);
}

/** The compose stack: what a reader of the PR needs to know before `docker compose up`. */
function compareStack(out: ServiceChanges, b: StackDeploymentModel | undefined, h: StackDeploymentModel | undefined): void {
  if (!b || !h) {
    if (b) out.add("stack", "removed", "stack", "stack removed: generated/docker-compose.yml is no longer generated");
    if (h) out.add("stack", "added", "stack", `stack added: ${h.app.service} with Prometheus, Alertmanager and Grafana`);
    return;
  }
  if (b.bindAddress !== h.bindAddress) {
    const wider = h.bindAddress !== "127.0.0.1" ? " (every published port is now reachable beyond this host)" : "";
    out.add("stack", "changed", "bindAddress", `published ports bind to ${b.bindAddress} → ${h.bindAddress}${wider}`);
  }
  if (b.app.service !== h.app.service) out.add("stack", "changed", "app", `app service "${b.app.service}" → "${h.app.service}"`);
  if (b.prometheus.adminApi !== h.prometheus.adminApi) out.add("stack", "changed", "adminApi", `Prometheus admin API ${h.prometheus.adminApi ? "enabled (snapshots, series deletion)" : "disabled (no snapshots for backups)"}`);
  if ((b.grafana.tls === undefined) !== (h.grafana.tls === undefined)) out.add("stack", "changed", "grafana", h.grafana.tls ? "Grafana serves HTTPS with secure cookies" : "Grafana no longer serves HTTPS: sessions travel in plain HTTP");
  const parts = [["app", b.app, h.app], ["prometheus", b.prometheus, h.prometheus], ["alertmanager", b.alertmanager, h.alertmanager], ["grafana", b.grafana, h.grafana]] as const;
  for (const [name, x, y] of parts) {
    if (x.port !== y.port) out.add("stack", "changed", name, `${name} host port ${x.port} → ${y.port}`);
    if (x.image !== y.image) out.add("stack", "changed", name, `${name} image ${x.image ?? "(built)"} → ${y.image ?? "(built)"}`);
  }
  const env = [...new Set([...Object.keys(b.app.environment), ...Object.keys(h.app.environment)])].sort();
  for (const key of env) {
    const [x, y] = [b.app.environment[key], h.app.environment[key]];
    if (x === y) continue;
    if (x === undefined) out.add("stack", "added", key, `${h.app.service} environment ${key} added`);
    else if (y === undefined) out.add("stack", "removed", key, `${h.app.service} environment ${key} removed`);
    else out.add("stack", "changed", key, `${h.app.service} environment ${key} changed`);
  }
}
