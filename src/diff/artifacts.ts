// Compares two trees of generated artifacts by what they mean, not by their bytes: dashboards by
// uid and panel id, rules by group and name, Alertmanager routes and receivers, compose services.
// What a reviewer cannot see in the spec diff comes from here: links that stop resolving (a
// dashboard uid or a panel id an alert's dashboard_url points at), annotation text, and output
// that changed although the spec did not (a generator change).
import { parse as parseYaml } from "yaml";
import type { Artifact } from "../conventions/artifact.js";
import { isGeneratedHeader } from "../conventions/artifact.js";

export interface ArtifactChange {
  path: string;
  kind: "added" | "removed" | "changed";
  /** What changed inside the file, one short phrase each; empty when only comments changed. */
  details: string[];
}

/** A dashboard link (`/d/<uid>` or `/d/<uid>?viewPanel=<id>`) of the base that the head no longer resolves. */
export interface BrokenLink {
  uid: string;
  panelId?: number;
  /** What the head has instead: `renamed to <uid>`, `now id 20`. */
  instead?: string;
  /** The title of the other panel the head shows at this id, when the id was reused. */
  reusedBy?: string;
  /** What links to it in the base: alerts' dashboard_url, dashboard and panel links, runbooks. */
  linkedBy: string[];
}

export interface AnnotationChange {
  alert: string;
  /** The annotation's name: `description`, `runbook_url`, `dashboard_url`. */
  key: string;
  /** `description "…" → "…"`, `runbook_url a → b`. */
  detail: string;
}

interface PanelView {
  title: string;
  type: string;
  /** The panel as generated, to name what else changed. */
  raw: unknown;
}

interface DashboardView {
  uid: string;
  title: string;
  panels: Map<number, PanelView>;
  /** Links the dashboard shows (its own and its panels'), each named by where it is. */
  links: { from: string; url: string }[];
}

interface RuleView {
  group: string;
  name: string;
  kind: "alert" | "record";
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const MAX_DETAILS = 8;
/** Values under these keys are never printed: compose environment and secrets may hold credentials. */
const HIDDEN_KEY = /environment|secret|password|token|api_url|credential/i;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v);
}

function stringRecord(v: unknown): Record<string, string> {
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)])) : {};
}

function quote(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine);
}

function parseContent(a: Artifact): unknown {
  try {
    if (a.path.endsWith(".json")) return JSON.parse(a.content) as unknown;
    if (/\.ya?ml$/.test(a.path)) return parseYaml(a.content) as unknown;
  } catch {
    return undefined;
  }
  return undefined;
}

function dashboardOf(a: Artifact): DashboardView | undefined {
  if (!/^grafana\/dashboards\/.*\.json$/.test(a.path)) return undefined;
  const doc = parseContent(a);
  if (!isRecord(doc) || typeof doc.uid !== "string") return undefined;
  const panels = new Map<number, PanelView>();
  const links: { from: string; url: string }[] = [];
  const linksOf = (list: unknown, from: string): void => {
    if (!Array.isArray(list)) return;
    for (const l of list) if (isRecord(l) && typeof l.url === "string") links.push({ from: `${from} link ${quote(str(l.title))}`, url: l.url });
  };
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const p of list) {
      if (!isRecord(p)) continue;
      if (p.type === "row") walk(p.panels);
      else if (typeof p.id === "number") {
        panels.set(p.id, { title: str(p.title), type: str(p.type), raw: p });
        linksOf(p.links, `dashboard ${doc.uid} panel ${quote(str(p.title))}`);
      }
    }
  };
  linksOf(doc.links, `dashboard ${doc.uid}`);
  walk(doc.panels);
  return { uid: doc.uid, title: str(doc.title), panels, links };
}

/** Rule groups of a Prometheus rule file or of a PrometheusRule's spec. */
function rulesOf(a: Artifact): RuleView[] | undefined {
  const doc = parseContent(a);
  const groups = isRecord(doc) ? (Array.isArray(doc.groups) ? doc.groups : isRecord(doc.spec) && Array.isArray(doc.spec.groups) ? doc.spec.groups : undefined) : undefined;
  if (groups === undefined) return undefined;
  const out: RuleView[] = [];
  for (const g of groups) {
    if (!isRecord(g) || !Array.isArray(g.rules)) continue;
    for (const r of g.rules) {
      if (!isRecord(r)) continue;
      const kind = typeof r.alert === "string" ? "alert" : "record";
      out.push({
        group: str(g.name),
        name: str(kind === "alert" ? r.alert : r.record),
        kind,
        expr: str(r.expr),
        ...(r.for !== undefined ? { for: str(r.for) } : {}),
        labels: stringRecord(r.labels),
        annotations: stringRecord(r.annotations),
      });
    }
  }
  return out;
}

function compareRecords(what: string, b: Record<string, string>, h: Record<string, string>, show: (key: string) => boolean): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort()) {
    const [x, y] = [b[key], h[key]];
    if (x === y) continue;
    if (x === undefined) out.push(`${what} ${key} added${show(key) && y !== undefined ? ` ${quote(y)}` : ""}`);
    else if (y === undefined) out.push(`${what} ${key} removed`);
    else out.push(show(key) ? `${what} ${key} ${quote(x)} → ${quote(y)}` : `${what} ${key} changed`);
  }
  return out;
}

/** Labels that tell rules of one name apart: severity tiers of an alert, the SLO of a recording. */
const IDENTIFYING_LABELS = ["severity", "slo"] as const;

function ruleKey(r: RuleView): string {
  return `${r.group}/${r.kind}/${ruleName(r)}`;
}

/** The rule's name, with the labels that tell it from its namesakes: slo:sli_error:ratio_rate5m{slo="push-latency"}. */
function ruleName(r: RuleView): string {
  const labels = IDENTIFYING_LABELS.flatMap((l) => (r.labels[l] !== undefined ? [`${l}=${JSON.stringify(r.labels[l])}`] : []));
  return labels.length > 0 ? `${r.name}{${labels.join(",")}}` : r.name;
}

function compareRules(base: readonly RuleView[], head: readonly RuleView[]): string[] {
  const out: string[] = [];
  const hb = new Map(head.map((r) => [ruleKey(r), r]));
  const bb = new Map(base.map((r) => [ruleKey(r), r]));
  for (const b of base) if (!hb.has(ruleKey(b))) out.push(`${b.kind} ${ruleName(b)} removed from group ${b.group}`);
  for (const h of head) {
    const b = bb.get(ruleKey(h));
    if (!b) {
      out.push(`${h.kind} ${ruleName(h)} added to group ${h.group}`);
      continue;
    }
    const parts: string[] = [];
    if (b.expr.replace(/\s+/g, " ").trim() !== h.expr.replace(/\s+/g, " ").trim()) parts.push("expr changed");
    if (b.for !== h.for) parts.push(`for ${b.for ?? "(none)"} → ${h.for ?? "(none)"}`);
    parts.push(...compareRecords("label", b.labels, h.labels, () => true), ...compareRecords("annotation", b.annotations, h.annotations, () => true));
    if (parts.length > 0) out.push(`${h.kind} ${ruleName(h)}: ${parts.join("; ")}`);
  }
  return out;
}

function compareDashboardFiles(b: DashboardView, h: DashboardView): string[] {
  const out: string[] = [];
  if (b.uid !== h.uid) out.push(`uid ${b.uid} → ${h.uid}`);
  if (b.title !== h.title) out.push(`title ${quote(b.title)} → ${quote(h.title)}`);
  const headByTitle = new Map([...h.panels].map(([id, p]) => [p.title, id]));
  for (const [id, p] of b.panels) {
    const now = h.panels.get(id);
    if (now === undefined) {
      const moved = headByTitle.get(p.title);
      out.push(moved !== undefined && !b.panels.has(moved) ? `panel ${quote(p.title)} id ${id} → ${moved}` : `panel ${id} ${quote(p.title)} removed`);
    } else if (now.title !== p.title || now.type !== p.type) {
      out.push(`panel ${id} ${p.type} ${quote(p.title)} → ${now.type} ${quote(now.title)}`);
    } else {
      const fields = structuralDiff(p.raw, now.raw, 3);
      if (fields.length > 0) out.push(`panel ${id} ${quote(p.title)}: ${fields.join("; ")}`);
    }
  }
  for (const [id, p] of h.panels) {
    if (b.panels.has(id)) continue;
    const was = [...b.panels].find(([bid, bp]) => bp.title === p.title && !h.panels.has(bid));
    if (was === undefined) out.push(`panel ${id} ${quote(p.title)} added`);
  }
  return out;
}

/** Alertmanager: the routing tree by receiver and matchers, the receivers, the inhibit rules. */
function compareAlertmanager(b: unknown, h: unknown): string[] {
  const routes = (doc: unknown): Map<string, Record<string, unknown>> => {
    const out = new Map<string, Record<string, unknown>>();
    const walk = (route: unknown, path: string): void => {
      if (!isRecord(route)) return;
      const key = `${path}${str(route.receiver)}${Array.isArray(route.matchers) ? ` {${route.matchers.map(str).join(", ")}}` : ""}`;
      out.set(key, route);
      if (Array.isArray(route.routes)) for (const r of route.routes) walk(r, `${key} › `);
    };
    if (isRecord(doc)) walk(doc.route, "");
    return out;
  };
  const receivers = (doc: unknown): Map<string, unknown> =>
    new Map(isRecord(doc) && Array.isArray(doc.receivers) ? doc.receivers.filter(isRecord).map((r) => [str(r.name), r] as const) : []);
  const out: string[] = [];
  const [rb, rh] = [routes(b), routes(h)];
  for (const k of rb.keys()) if (!rh.has(k)) out.push(`route ${k} removed`);
  for (const [k, r] of rh) {
    const was = rb.get(k);
    if (!was) {
      out.push(`route ${k} added`);
      continue;
    }
    const fields = ["group_by", "group_wait", "group_interval", "repeat_interval", "continue"] as const;
    for (const f of fields) if (JSON.stringify(was[f]) !== JSON.stringify(r[f])) out.push(`route ${k}: ${f} ${str(was[f]) || "(default)"} → ${str(r[f]) || "(default)"}`);
  }
  const [vb, vh] = [receivers(b), receivers(h)];
  for (const k of vb.keys()) if (!vh.has(k)) out.push(`receiver ${k} removed`);
  for (const [k, v] of vh) {
    if (!vb.has(k)) out.push(`receiver ${k} added`);
    else if (JSON.stringify(vb.get(k)) !== JSON.stringify(v)) out.push(`receiver ${k} changed`);
  }
  const inhibit = (doc: unknown): string => JSON.stringify(isRecord(doc) ? doc.inhibit_rules : undefined);
  if (inhibit(b) !== inhibit(h)) out.push("inhibit rules changed");
  return out;
}

/** Compose: services by name, with their image, ports, volumes and environment keys (never values). */
function compareCompose(b: unknown, h: unknown): string[] {
  const services = (doc: unknown): Record<string, unknown> => (isRecord(doc) && isRecord(doc.services) ? doc.services : {});
  const [sb, sh] = [services(b), services(h)];
  const out: string[] = [];
  for (const name of Object.keys(sb).sort()) if (!(name in sh)) out.push(`service ${name} removed`);
  for (const name of Object.keys(sh).sort()) {
    const [x, y] = [sb[name], sh[name]];
    if (!isRecord(y)) continue;
    if (!isRecord(x)) {
      out.push(`service ${name} added${typeof y.image === "string" ? ` (${y.image})` : ""}`);
      continue;
    }
    if (x.image !== y.image) out.push(`service ${name}: image ${str(x.image) || "(built)"} → ${str(y.image) || "(built)"}`);
    for (const f of ["ports", "volumes", "depends_on", "command", "secrets"] as const) {
      if (JSON.stringify(x[f]) !== JSON.stringify(y[f])) out.push(`service ${name}: ${f} ${f === "secrets" ? "changed" : `${str(x[f]) || "(none)"} → ${str(y[f]) || "(none)"}`}`);
    }
    const env = (s: Record<string, unknown>): Record<string, string> => stringRecord(s.environment);
    out.push(...compareRecords(`service ${name}: environment`, env(x), env(y), () => false));
  }
  return out;
}

/** Paths at which two parsed documents differ, values shown unless the key may hold a secret. */
function structuralDiff(b: unknown, h: unknown, limit: number): string[] {
  const out: string[] = [];
  const visit = (x: unknown, y: unknown, path: string, hidden: boolean): void => {
    if (out.length >= limit) return;
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
      x.forEach((v, i) => visit(v, y[i], `${path}[${i}]`, hidden));
      return;
    }
    if (isRecord(x) && isRecord(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
        visit(x[k], y[k], path === "" ? k : `${path}.${k}`, hidden || HIDDEN_KEY.test(k));
      }
      return;
    }
    const show = (v: unknown): string => (v === undefined ? "(none)" : hidden ? "(hidden)" : typeof v === "string" ? quote(v, 70) : JSON.stringify(v as Json).slice(0, 70));
    out.push(`${path || "(document)"} ${show(x)} → ${show(y)}`);
  };
  visit(b, h, "", false);
  return out;
}

/** Lines of a text file that differ, ignoring the generated-by header. */
function changedLines(b: string, h: string): number {
  const body = (t: string): string[] => t.split("\n").filter((l) => !isGeneratedHeader(l));
  const [x, y] = [body(b), body(h)];
  const seen = new Map<string, number>();
  for (const l of x) seen.set(l, (seen.get(l) ?? 0) + 1);
  let common = 0;
  for (const l of y) {
    const n = seen.get(l) ?? 0;
    if (n > 0) {
      common++;
      seen.set(l, n - 1);
    }
  }
  return x.length - common + (y.length - common);
}

function describe(withHeaders: { b: Artifact; h: Artifact }): string[] {
  // Headers name the spec's path, which differs between a checkout and a temporary copy.
  const b = { ...withHeaders.b, content: withoutHeader(withHeaders.b.content) };
  const h = { ...withHeaders.h, content: withoutHeader(withHeaders.h.content) };
  const db = dashboardOf(b);
  const dh = dashboardOf(h);
  let details: string[] = [];
  if (db && dh) details = compareDashboardFiles(db, dh);
  else {
    const rb = rulesOf(b);
    const rh = rulesOf(h);
    if (rb && rh) details = compareRules(rb, rh);
    else if (b.path.startsWith("alertmanager/")) details = compareAlertmanager(parseContent(b), parseContent(h));
    else if (b.path.endsWith("docker-compose.yml")) details = compareCompose(parseContent(b), parseContent(h));
  }
  if (details.length === 0) {
    const [pb, ph] = [parseContent(b), parseContent(h)];
    details = pb !== undefined && ph !== undefined ? structuralDiff(pb, ph, MAX_DETAILS) : [];
    if (details.length === 0) {
      const n = changedLines(b.content, h.content);
      details = n > 0 ? [`${n} line${n === 1 ? "" : "s"} changed`] : [];
    }
  }
  return details.length > MAX_DETAILS ? [...details.slice(0, MAX_DETAILS), `and ${details.length - MAX_DETAILS} more`] : details;
}

function withoutHeader(content: string): string {
  return content.split("\n").filter((l) => !isGeneratedHeader(l)).join("\n").replace(/\(Code generated by obsgen from [^)]*\)/g, "");
}

/** Every artifact that differs between the trees, with what changed in it. Header-only changes are ignored. */
export function compareArtifacts(base: readonly Artifact[], head: readonly Artifact[]): ArtifactChange[] {
  const bb = new Map(base.map((a) => [a.path, a]));
  const hb = new Map(head.map((a) => [a.path, a]));
  const out: ArtifactChange[] = [];
  for (const path of [...new Set([...bb.keys(), ...hb.keys()])].sort()) {
    const [b, h] = [bb.get(path), hb.get(path)];
    if (!b && h) out.push({ path, kind: "added", details: [] });
    else if (b && !h) out.push({ path, kind: "removed", details: [] });
    else if (b && h && withoutHeader(b.content) !== withoutHeader(h.content)) out.push({ path, kind: "changed", details: describe({ b, h }) });
  }
  return pairRenamedDashboards(out, bb, hb);
}

/** A dashboard file removed and one added with the same title: one change, a uid rename. */
function pairRenamedDashboards(changes: ArtifactChange[], base: ReadonlyMap<string, Artifact>, head: ReadonlyMap<string, Artifact>): ArtifactChange[] {
  const view = (a: Artifact | undefined): DashboardView | undefined => (a ? dashboardOf(a) : undefined);
  const paired = new Set<ArtifactChange>();
  const out: ArtifactChange[] = [];
  for (const c of changes) {
    if (paired.has(c)) continue;
    const was = c.kind === "removed" ? view(base.get(c.path)) : undefined;
    const heir = was && changes.find((x) => x.kind === "added" && !paired.has(x) && view(head.get(x.path))?.title === was.title);
    const now = heir ? view(head.get(heir.path)) : undefined;
    if (heir && was && now) {
      paired.add(heir);
      out.push({ path: heir.path, kind: "changed", details: [`renamed from ${c.path}`, ...compareDashboardFiles(was, now)] });
    } else out.push(c);
  }
  return out;
}

function dashboards(tree: readonly Artifact[]): DashboardView[] {
  return tree.flatMap((a) => dashboardOf(a) ?? []);
}

/** The first rule file's rules: `prometheus/alert_rules.yml` when present. */
function alertRules(tree: readonly Artifact[]): RuleView[] {
  const file = tree.find((a) => a.path === "prometheus/alert_rules.yml") ?? tree.find((a) => a.path.startsWith("prometheus/") && /rules\.ya?ml$/.test(a.path));
  return (file ? rulesOf(file) : undefined) ?? [];
}

function linkTarget(url: string): { uid: string; panelId?: number } | undefined {
  const m = /\/d\/([^/?#]+)(?:[^?#]*)?(?:\?([^#]*))?/.exec(url);
  if (!m?.[1]) return undefined;
  const panel = new URLSearchParams(m[2] ?? "").get("viewPanel");
  return { uid: decodeURIComponent(m[1]), ...(panel !== null && /^\d+$/.test(panel) ? { panelId: Number(panel) } : {}) };
}

/**
 * Dashboard uids and panel ids of the base that the head no longer has: bookmarks, links in
 * runbooks and chat, and every alert notification's dashboard_url point at them.
 */
export function brokenLinks(base: readonly Artifact[], head: readonly Artifact[]): BrokenLink[] {
  const hd = dashboards(head);
  const headBy = new Map(hd.map((d) => [d.uid, d]));
  // Every link of the base, by what holds it: alert notifications, dashboards (the triage panels
  // link back to the service's panels), and the runbooks the alerts point at.
  const baseLinks: { from: string; url: string }[] = [
    ...alertRules(base).flatMap((r) => (r.annotations.dashboard_url === undefined ? [] : [{ from: `alert ${r.name} (dashboard_url)`, url: r.annotations.dashboard_url }])),
    ...dashboards(base).flatMap((d) => d.links),
    ...base.filter((a) => a.path.startsWith("runbooks/") && a.path.endsWith(".md")).flatMap((a) => [...a.content.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ from: `runbook ${a.path}`, url: m[1] ?? "" }))),
  ];
  const linksTo = (uid: string, panelId?: number): string[] => [
    ...new Set(
      baseLinks
        .filter((l) => {
          const t = linkTarget(l.url);
          return t !== undefined && t.uid === uid && (panelId === undefined || t.panelId === panelId);
        })
        .map((l) => l.from),
    ),
  ];
  const out: BrokenLink[] = [];
  // A dashboard or panel removed on purpose is a removal, reported by the spec diff; a link
  // breaks when what it showed still exists elsewhere (a new uid or id) or an alert points at it.
  const push = (link: BrokenLink): void => {
    if (link.instead !== undefined || link.linkedBy.length > 0) out.push(link);
  };
  for (const b of dashboards(base)) {
    const h = headBy.get(b.uid);
    if (!h) {
      const heir = hd.find((d) => d.title === b.title && !dashboards(base).some((x) => x.uid === d.uid));
      push({ uid: b.uid, ...(heir ? { instead: `renamed to ${heir.uid}` } : {}), linkedBy: linksTo(b.uid) });
      continue;
    }
    for (const [id, p] of b.panels) {
      const now = h.panels.get(id);
      if (now !== undefined && now.title !== p.title) {
        // The id now shows another panel (the triage panels are numbered by alert): a link
        // still resolves, to the wrong panel, when this one moved to another id.
        const moved = [...h.panels].find(([hid, hp]) => hid !== id && hp.title === p.title);
        if (moved) push({ uid: b.uid, panelId: id, instead: `now id ${moved[0]}`, reusedBy: now.title, linkedBy: linksTo(b.uid, id) });
        continue;
      }
      if (now !== undefined) continue;
      const moved = [...h.panels].find(([hid, hp]) => hp.title === p.title && b.panels.get(hid)?.title !== p.title);
      push({ uid: b.uid, panelId: id, ...(moved ? { instead: `now id ${moved[0]}` } : {}), linkedBy: linksTo(b.uid, id) });
    }
  }
  return out;
}

/** Annotation changes of alerting rules present on both sides (summary, description, runbook, dashboard link). */
export function annotationChanges(base: readonly Artifact[], head: readonly Artifact[]): AnnotationChange[] {
  // Severity tiers share the alert's name: a rule is its name and its severity.
  const id = (r: RuleView): string => `${r.name}\u0000${r.labels.severity ?? ""}`;
  const hb = new Map(alertRules(head).filter((r) => r.kind === "alert").map((r) => [id(r), r]));
  const out: AnnotationChange[] = [];
  for (const b of alertRules(base)) {
    const h = b.kind === "alert" ? hb.get(id(b)) : undefined;
    if (!h) continue;
    for (const key of [...new Set([...Object.keys(b.annotations), ...Object.keys(h.annotations)])].sort()) {
      const [x, y] = [b.annotations[key], h.annotations[key]];
      if (x === y) continue;
      const detail = x === undefined ? `${key} added: ${quote(y ?? "")}` : y === undefined ? `${key} removed` : `${key} ${quote(x, 200)} → ${quote(y, 200)}`;
      out.push({ alert: b.name, key, detail });
    }
  }
  return out;
}
