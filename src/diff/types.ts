// The result of comparing two Models: plain data, rendered as Markdown or serialised as JSON.

export type ChangeGroup = "services" | "metrics" | "labels" | "buckets" | "dashboards" | "panels" | "alerts" | "recording rules" | "scrape" | "stack" | "cross-checks";
export type ChangeKind = "added" | "removed" | "changed" | "renamed";

/** Stored series that a breaking change leaves behind, counted on a live Prometheus. */
export interface OrphanCheck {
  /** The series selector that was counted. */
  selector: string;
  /** Series Prometheus holds that match it, or undefined when the query failed. */
  storedSeries?: number;
  error?: string;
}

export interface ApiBreak {
  /** The call an embedding service writes, e.g. `metrics.orderTotal.inc({status: "retry"})`. */
  call: string;
  /** What happens to it now. */
  effect: string;
}

export interface Breaking {
  reason: string;
  /** Panels, alerts and recording rules of the base whose PromQL reads what changed. */
  usedBy: string[];
  /** Generated module API calls that no longer compile or behave differently. */
  api: ApiBreak[];
  /** Series selector whose stored data the change orphans (checked with --prometheus). */
  orphanSelector?: { name: string; matchers: { label: string; op: "=" | "!=" | "=~"; value: string }[] };
  orphans?: OrphanCheck;
}

export interface Change {
  service: string;
  group: ChangeGroup;
  kind: ChangeKind;
  /** What changed: `git_operation_total`, `git_operation_total{status}`, `panel git-operations-e2b/active-sandboxes`. */
  subject: string;
  /** One line: what it was and what it is. */
  detail: string;
  breaking?: Breaking;
}

/** A generated file that differs between base and head, with what changed inside it. */
export interface GeneratedChange {
  path: string;
  kind: "added" | "removed" | "changed";
  details: string[];
}

export interface CardinalityRow {
  service: string;
  metric: string;
  base?: number;
  head?: number;
}

export interface DiffReport {
  base: string;
  head: string;
  changes: Change[];
  cardinality: {
    metrics: CardinalityRow[];
    total: { base: number; head: number };
  };
  breakingCount: number;
  /** Generated files the spec change alters (base regenerated vs head), by meaning. */
  generated?: GeneratedChange[];
  /**
   * Generated files that differ although the spec did not change them: the base's committed
   * output vs the base spec regenerated now (a generator change, or a stale base).
   */
  withoutSpecChange?: GeneratedChange[];
}
