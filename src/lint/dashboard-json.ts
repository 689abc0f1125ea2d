// A tolerant, typed view of dashboard JSON as the linter reads it: any file may be malformed.
export interface LintTarget {
  refId: string;
  expr?: string;
  datasource?: unknown;
}

export interface LintPanel {
  id?: number;
  type: string;
  title: string;
  description?: string;
  datasource?: unknown;
  unit?: string;
  targets: LintTarget[];
}

export interface LintVariable {
  name: string;
  type: string;
  query?: unknown;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  datasource?: unknown;
  label?: string;
}

export interface LintDashboard {
  title: string;
  uid?: string;
  editable?: boolean;
  refresh?: string;
  tags: string[];
  variables: LintVariable[];
  /** Every non-row panel, including those nested in collapsed rows. */
  panels: LintPanel[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function panelOf(p: Record<string, unknown>): LintPanel {
  const fc = isRecord(p.fieldConfig) && isRecord(p.fieldConfig.defaults) ? p.fieldConfig.defaults : {};
  const panel: LintPanel = {
    type: str(p.type) ?? "",
    title: str(p.title) ?? "",
    datasource: p.datasource,
    targets: arr(p.targets).filter(isRecord).map((t, i) => ({
      refId: str(t.refId) ?? `#${i}`,
      ...(typeof t.expr === "string" ? { expr: t.expr } : {}),
      datasource: t.datasource,
    })),
  };
  if (typeof p.id === "number") panel.id = p.id;
  const description = str(p.description);
  if (description !== undefined) panel.description = description;
  const unit = str(fc.unit);
  if (unit !== undefined) panel.unit = unit;
  return panel;
}

/** Reads dashboard JSON; throws a readable Error when it is not a dashboard at all. */
export function readDashboard(json: unknown): LintDashboard {
  if (!isRecord(json)) throw new Error("not a dashboard: the JSON is not an object");
  const panels: LintPanel[] = [];
  for (const p of arr(json.panels).filter(isRecord)) {
    if (p.type === "row") panels.push(...arr(p.panels).filter(isRecord).map(panelOf));
    else panels.push(panelOf(p));
  }
  const templating = isRecord(json.templating) ? json.templating : {};
  const variables = arr(templating.list).filter(isRecord).map((v) => {
    const out: LintVariable = { name: str(v.name) ?? "", type: str(v.type) ?? "", query: v.query, datasource: v.datasource };
    if (typeof v.multi === "boolean") out.multi = v.multi;
    if (typeof v.includeAll === "boolean") out.includeAll = v.includeAll;
    const allValue = str(v.allValue);
    if (allValue !== undefined) out.allValue = allValue;
    const label = str(v.label);
    if (label !== undefined) out.label = label;
    return out;
  });
  const tags = arr(json.tags).flatMap((t) => (typeof t === "string" ? [t] : []));
  const dash: LintDashboard = { title: str(json.title) ?? "", tags, variables, panels };
  const uid = str(json.uid);
  if (uid !== undefined) dash.uid = uid;
  if (typeof json.editable === "boolean") dash.editable = json.editable;
  const refresh = str(json.refresh);
  if (refresh !== undefined) dash.refresh = refresh;
  return dash;
}

/** The datasource uid a panel or target names, when it names one. */
export function datasourceUid(ds: unknown): string | undefined {
  if (typeof ds === "string") return ds;
  return isRecord(ds) ? str(ds.uid) : undefined;
}
