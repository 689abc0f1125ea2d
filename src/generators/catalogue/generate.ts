// Emits METRICS.md: the catalogue of every metric, its labels, values, unit and series budget.
import type { Model } from "../../model/types.js";
import { generatedHeader, type Artifact } from "../artifact.js";
import { htmlComment, markdownCell, markdownCodeInCell, markdownParagraph } from "../../conventions/text-escape.js";

export const CATALOGUE_PATH = "METRICS.md";

export function generateCatalogue(model: Model): Artifact[] {
  const lines: string[] = [`<!-- ${htmlComment(generatedHeader(model))} -->`, "", "# Metrics catalogue", ""];
  for (const s of model.services) {
    lines.push(`## ${s.name}`, "");
    if (s.description) lines.push(markdownParagraph(s.description), "");
    lines.push(
      `Scraped as job ${markdownCodeInCell(s.scrape.job)} every ${s.scrape.interval}. ${s.metrics.length} metrics, at most ${s.totalSeries} series ` +
        `(budget ${s.limits.maxSeriesTotal}; ${s.limits.maxSeriesPerMetric} per metric).`,
      "",
      "| metric | type | unit | labels and values | max series | help |",
      "|---|---|---|---|---|---|",
    );
    for (const m of s.metrics) {
      const labels = m.labels.length === 0 ? "—" : m.labels
        .map((l) => `\`${l.name}\`: ${l.values.map(markdownCodeInCell).join(", ")}${l.fallback !== undefined ? ` (unknown → ${markdownCodeInCell(l.fallback)})` : ""}${l.additive === false ? " (views, never summed)" : ""}`)
        .join("<br>");
      const buckets = m.type === "histogram" ? `<br>buckets: ${m.buckets.join(", ")}` : "";
      lines.push(`| \`${m.name}\` | ${m.type} | ${markdownCell(m.unit ?? "—")} | ${labels}${buckets} | ${m.maxSeries} | ${markdownCell(m.help)} |`);
    }
    const suppressed = s.metrics.flatMap((m) => [...m.suppressions].map(([rule, reason]) => `- \`${m.name}\` suppresses ${markdownCodeInCell(rule)}: ${markdownCell(reason)}`));
    if (suppressed.length > 0) lines.push("", "### Accepted rule suppressions", "", ...suppressed);
    lines.push("");
  }
  return [{ path: CATALOGUE_PATH, content: lines.join("\n") }];
}
