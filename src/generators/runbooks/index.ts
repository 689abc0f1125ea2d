// runbooks/<AlertName>.md: one page per alert name, written for the person paged at night: what
// fires it (every tier's expression and pending period), why it matters, the panel that draws it,
// the queries to run, likely causes and first steps from the spec's text. Spec text is flattened
// to one line and escaped, so it cannot add headings, HTML or code fences to the page.
import { runbookPath } from "../../conventions/oncall.js";
import type { Model, ServiceModel } from "../../model/types.js";
import { dashboardUrl, panelFor } from "../../model/oncall/links.js";
import { alertsByName, oncallPlan, type PlannedAlert } from "../../model/oncall/plan.js";
import { servicesHeader, type Artifact } from "../artifact.js";

/** One line of prose from spec text: no line breaks, no HTML, no leading markdown syntax. */
export function mdText(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/^([#>*+=-]|\d+[.)])/, "\\$1");
}

/** A fenced code block whose fence is longer than any run of backticks in the code. */
export function codeBlock(code: string, lang: string): string[] {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${lang}`, code, fence];
}

function threshold(a: PlannedAlert): string {
  return a.signal ? ` (signal ${a.signal.op} ${a.signal.threshold})` : "";
}

function panelLine(service: ServiceModel, a: PlannedAlert): string {
  const url = dashboardUrl(service, a);
  const ref = panelFor(service, a);
  if (url !== undefined) return `[The triage panel](${url}) draws the signal with every threshold as a line.`;
  if (ref) return `Panel ${ref.id} of dashboard \`${ref.uid}\` draws the signal with every threshold as a line (set \`alerting.grafanaUrl\` to turn this into a link).`;
  return "This alert has no panel: it is about the alerting pipeline itself.";
}

function section(service: ServiceModel, alerts: readonly PlannedAlert[], many: boolean): string[] {
  const first = alerts[0];
  if (!first) return [];
  const lines: string[] = [];
  if (many) lines.push(`## Service ${service.name}`, "");
  const h = many ? "###" : "##";
  lines.push(
    `**Severity:** ${alerts.map((a) => `${a.severity}${threshold(a)}`).join(", ")} · **Job:** \`${service.scrape.job}\` · **Pending:** ${alerts.map((a) => a.for).join(", ")}`,
    "",
    mdText(first.summary),
    "",
    `${h} What fires it`,
    "",
  );
  for (const a of alerts) {
    lines.push(`Severity **${a.severity}**, once this holds for ${a.for}:`, "", ...codeBlock(a.expr, "promql"), "");
  }
  lines.push(`${h} Why it matters`, "", mdText(first.why), "", `${h} Where to look`, "", panelLine(service, first), "");
  if (first.queries.length > 0) {
    lines.push(`${h} Queries to run`, "");
    for (const q of first.queries) lines.push(...codeBlock(q, "promql"), "");
  }
  lines.push(`${h} Likely causes`, "");
  lines.push(...(first.causes.length > 0 ? first.causes.map((c) => `- ${mdText(c)}`) : ["- The spec lists none: add `causes:` to this alert."]), "");
  lines.push(`${h} First steps`, "");
  lines.push(...(first.firstSteps.length > 0 ? first.firstSteps.map((s, i) => `${i + 1}. ${mdText(s)}`) : ["1. The spec lists none: add `firstSteps:` to this alert."]), "");
  return lines;
}

export function generateRunbooks(model: Model): Artifact[] {
  const byName = new Map<string, { service: ServiceModel; alerts: PlannedAlert[] }[]>();
  for (const service of model.services) {
    for (const [name, alerts] of alertsByName(oncallPlan(service))) byName.set(name, [...(byName.get(name) ?? []), { service, alerts }]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, owners]) => {
      const lines = [`<!-- ${servicesHeader(owners.map((o) => o.service))} -->`, "", `# ${name}`, ""];
      for (const o of owners) lines.push(...section(o.service, o.alerts, owners.length > 1));
      return { path: runbookPath(name), content: `${lines.join("\n").replace(/\n+$/, "")}\n` };
    });
}
