// Asks a live Prometheus how many stored series each breaking change would orphan (/api/v1/series).
import { formatMatcher } from "../promql/build.js";
import type { Breaking, DiffReport } from "./types.js";

export function selectorText(sel: NonNullable<Breaking["orphanSelector"]>): string {
  return sel.matchers.length === 0 ? sel.name : `${sel.name}{${sel.matchers.map(formatMatcher).join(",")}}`;
}

async function countSeries(prometheus: string, selector: string): Promise<number> {
  const url = new URL("api/v1/series", prometheus.endsWith("/") ? prometheus : `${prometheus}/`);
  url.searchParams.append("match[]", selector);
  const res = await fetch(url);
  const body = (await res.json()) as { status?: string; data?: unknown; error?: string };
  if (!res.ok || body.status !== "success" || !Array.isArray(body.data)) {
    throw new Error(`${url.pathname} answered ${res.status}: ${body.error ?? "unexpected response"}`);
  }
  return body.data.length;
}

/** Fills `orphans` on every breaking change that names a selector. Failures are recorded, not thrown. */
export async function checkOrphans(report: DiffReport, prometheus: string): Promise<void> {
  for (const change of report.changes) {
    const b = change.breaking;
    if (!b?.orphanSelector) continue;
    const selector = selectorText(b.orphanSelector);
    try {
      b.orphans = { selector, storedSeries: await countSeries(prometheus, selector) };
    } catch (e) {
      b.orphans = { selector, error: (e as Error).message };
    }
  }
}
