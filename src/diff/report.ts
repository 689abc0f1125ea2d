// The whole review of a change: the spec diff, what the generated artifacts say that the spec
// diff cannot (broken dashboard links, annotation text), threshold cross-checks, and generated
// output that changed without a spec change.
import type { Artifact } from "../conventions/artifact.js";
import type { Pipeline } from "../model/pipeline.js";
import type { Model } from "../model/types.js";
import { annotationChanges, brokenLinks, compareArtifacts, type BrokenLink } from "./artifacts.js";
import { diffModels } from "./compare.js";
import { thresholdCrossChecks } from "./cross-checks.js";
import type { Breaking, Change, DiffReport } from "./types.js";

export interface ArtifactTrees {
  /** What the base and the head generate (src/pipeline's generate). */
  generate: Pipeline["generate"];
  /** The base's committed generated files, when the base has them (a checkout or git ref). */
  baseCommitted?: readonly Artifact[];
}

function panelKey(model: Model, uid: string, id: number): { service: string; key: string } | undefined {
  for (const s of model.services) {
    for (const d of s.dashboards) if (d.uid === uid) for (const r of d.rows) for (const p of r.panels) if (p.id === id) return { service: s.name, key: `${uid}/${p.key}` };
  }
  return undefined;
}

function serviceOf(model: Model, uid: string): string | undefined {
  return model.services.find((s) => s.dashboards.some((d) => d.uid === uid))?.name;
}

function linkBreaking(link: BrokenLink): Breaking {
  const target = link.panelId === undefined ? `/d/${link.uid}` : `/d/${link.uid}?viewPanel=${link.panelId}`;
  return {
    reason: `links to ${target} ${link.reusedBy !== undefined ? `now open ${JSON.stringify(link.reusedBy)}` : "stop resolving"}${link.instead !== undefined ? ` (${link.instead})` : ""}: bookmarks, runbooks and the dashboard_url of alert notifications already sent`,
    usedBy: link.linkedBy,
    api: [],
  };
}

/** Marks the spec change a broken link belongs to as breaking, or adds one when the spec diff has none. */
function attachLink(changes: Change[], base: Model, link: BrokenLink): void {
  const breaking = linkBreaking(link);
  if (link.panelId === undefined) {
    const c = changes.find((x) => x.group === "dashboards" && x.subject === link.uid && (x.kind === "renamed" || x.kind === "removed"));
    if (c) c.breaking = breaking;
    else changes.push({ service: serviceOf(base, link.uid) ?? "", group: "dashboards", kind: "changed", subject: link.uid, detail: `dashboard ${link.uid} no longer generated`, breaking });
    return;
  }
  const panel = panelKey(base, link.uid, link.panelId);
  const c = panel && changes.find((x) => x.group === "panels" && x.subject === panel.key && (x.kind === "changed" || x.kind === "removed"));
  if (c) c.breaking = breaking;
  else changes.push({ service: panel?.service ?? serviceOf(base, link.uid) ?? "", group: "panels", kind: "changed", subject: panel?.key ?? `${link.uid}/${link.panelId}`, detail: link.reusedBy !== undefined ? `panel id ${link.panelId} now shows ${JSON.stringify(link.reusedBy)}` : `panel id ${link.panelId} no longer generated`, breaking });
}

/** Adds annotation changes of the generated rules to the alert's change, or as a change of their own. */
function attachAnnotations(changes: Change[], head: Model, baseTree: readonly Artifact[], headTree: readonly Artifact[], links: readonly BrokenLink[]): void {
  for (const a of annotationChanges(baseTree, headTree)) {
    // The spec diff reports a summary change already; a dashboard_url that moved with a broken
    // link is reported with that link, so a rename is listed once.
    if (a.key === "summary") continue;
    if (a.key === "dashboard_url" && links.some((l) => l.linkedBy.includes(`alert ${a.alert} (dashboard_url)`))) continue;
    const detail = a.detail;
    const c = changes.find((x) => x.group === "alerts" && x.kind === "changed" && x.subject === a.alert);
    if (c) c.detail = `${c.detail}; ${detail}`;
    else {
      const service = head.services.find((s) => s.alerts.some((x) => x.name === a.alert))?.name ?? "";
      changes.push({ service, group: "alerts", kind: "changed", subject: a.alert, detail });
    }
  }
}

export function diffAll(base: Model, head: Model, names: { base: string; head: string }, trees: ArtifactTrees): DiffReport {
  const report = diffModels(base, head, names);
  const baseTree = trees.generate(base);
  const headTree = trees.generate(head);
  const links = brokenLinks(baseTree, headTree);
  for (const link of links) attachLink(report.changes, base, link);
  attachAnnotations(report.changes, head, baseTree, headTree, links);
  for (const s of head.services) {
    const b = base.services.find((x) => x.name === s.name);
    if (b) report.changes.push(...thresholdCrossChecks(b, s));
  }
  report.generated = compareArtifacts(baseTree, headTree);
  if (trees.baseCommitted !== undefined) {
    // Only the files this obsgen generates: a base written by an older obsgen may hold others.
    const ours = new Set(baseTree.map((a) => a.path));
    report.withoutSpecChange = compareArtifacts(trees.baseCommitted.filter((a) => ours.has(a.path)), baseTree).filter((c) => c.kind !== "removed");
  }
  report.breakingCount = report.changes.filter((c) => c.breaking).length;
  return report;
}
