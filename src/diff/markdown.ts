// Renders a DiffReport as Markdown for a pull-request comment: breaking changes first, with why
// and what still reads them, then every change grouped, then the cardinality table.
import { markdownCell, markdownCode, markdownCodeInCell } from "../conventions/text-escape.js";
import type { Change, ChangeGroup, DiffReport, GeneratedChange } from "./types.js";

const GROUP_ORDER: readonly ChangeGroup[] = ["cross-checks", "services", "metrics", "labels", "buckets", "dashboards", "panels", "alerts", "recording rules", "scrape", "stack"];
const KIND_ORDER = ["removed", "renamed", "changed", "added"] as const;

// Subjects and details quote spec strings: a pull request's spec must not be able to add
// headings, hide breaking changes or break the tables of the review comment.
const code = markdownCode;
const text = markdownCell;

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function orphanLine(c: Change): string | undefined {
  const o = c.breaking?.orphans;
  if (!o) return undefined;
  if (o.error !== undefined) return `  - Prometheus: could not count ${code(o.selector)}: ${text(o.error)}`;
  return o.storedSeries === 0
    ? `  - Prometheus: no stored series match ${code(o.selector)}; nothing is orphaned`
    : `  - Prometheus: **${o.storedSeries} stored series** match ${code(o.selector)} and would be orphaned`;
}

function changeLine(c: Change, multiService: boolean): string {
  const svc = multiService ? `${c.service}: ` : "";
  return `- ${c.kind} ${svc}${code(c.subject)}: ${text(c.detail)}${c.breaking ? " **(breaking)**" : ""}`;
}

/** Details per file in Markdown (the JSON report has them all): enough to see what kind of change it is. */
const DETAILS_SHOWN = 3;

function generatedLines(changes: readonly GeneratedChange[]): string[] {
  return changes.map((g) => {
    const shown = g.details.slice(0, DETAILS_SHOWN);
    const more = g.details.length - shown.length;
    const details = shown.length > 0 ? `: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}` : "";
    return `- ${g.kind} ${code(g.path)}${details}`;
  });
}

/** Output the spec did not change: a generator change, named so a reviewer looks at the files. */
function withoutSpecChangeLines(report: DiffReport): string[] {
  const files = report.withoutSpecChange ?? [];
  if (files.length === 0) return [];
  return [
    `### Generated output changed without a spec change (${files.length} file${files.length === 1 ? "" : "s"})`,
    "",
    "The base's committed output differs from what this obsgen generates from the same base spec (a generator change, or a base whose `generated/` was stale):",
    "",
    ...generatedLines(files),
    "",
  ];
}

export function renderMarkdown(report: DiffReport): string {
  const lines: string[] = [];
  const multi = new Set(report.changes.map((c) => c.service)).size > 1;
  const { base, head } = report.cardinality.total;
  lines.push(`## obsgen diff: ${code(report.base)} → ${code(report.head)}`, "");
  if (report.changes.length === 0) {
    lines.push("No semantic changes to metrics, dashboards, alerts or scrape settings.", "", `Series budget: ${head} series.`, "");
    const files = report.generated ?? [];
    if (files.length > 0) lines.push(`### Generated files (${files.length})`, "", "The spec change still changes generated output:", "", ...generatedLines(files), "");
    lines.push(...withoutSpecChangeLines(report));
    return `${lines.join("\n").trimEnd()}\n`;
  }
  const breaking = report.changes.filter((c) => c.breaking);
  lines.push(
    `**${breaking.length} breaking** of ${report.changes.length} change${report.changes.length === 1 ? "" : "s"} · at most ${base} → ${head} series (${signed(head - base)})`,
    "",
  );
  if (breaking.length > 0) {
    lines.push("### Breaking changes", "");
    for (const c of breaking) {
      const b = c.breaking;
      if (!b) continue;
      lines.push(`- **${c.kind} ${code(c.subject)}**: ${text(c.detail)}. ${text(sentence(b.reason))}.`);
      if (b.usedBy.length > 0) lines.push(`  - used by: ${b.usedBy.map(text).join(", ")}`);
      for (const api of b.api) lines.push(`  - module API: ${code(api.call)} ${text(api.effect)}`);
      const o = orphanLine(c);
      if (o !== undefined) lines.push(o);
    }
    lines.push("");
  }
  for (const group of GROUP_ORDER) {
    const inGroup = report.changes.filter((c) => c.group === group);
    if (inGroup.length === 0) continue;
    lines.push(`### ${group.charAt(0).toUpperCase()}${group.slice(1)}`, "");
    for (const kind of KIND_ORDER) for (const c of inGroup.filter((x) => x.kind === kind)) lines.push(changeLine(c, multi));
    lines.push("");
  }
  if ((report.generated ?? []).length > 0) {
    // Folded: the sections above say what changed; this lists where it lands in generated/.
    const files = report.generated ?? [];
    lines.push(`<details><summary>Generated files (${files.length})</summary>`, "", ...generatedLines(files), "", "</details>", "");
  }
  lines.push(...withoutSpecChangeLines(report));
  if (report.cardinality.metrics.length > 0 || base !== head) {
    lines.push("### Cardinality (series at most)", "", "| metric | base | head | change |", "|---|---:|---:|---:|");
    for (const r of report.cardinality.metrics) {
      lines.push(`| ${markdownCodeInCell(r.metric)} | ${r.base ?? "—"} | ${r.head ?? "—"} | ${signed((r.head ?? 0) - (r.base ?? 0))} |`);
    }
    lines.push(`| **total** | ${base} | ${head} | ${signed(head - base)} |`, "");
  }
  return `${lines.join("\n")}\n`;
}
