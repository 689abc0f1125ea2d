// Grafana's dashboard variables in a panel's PromQL, replaced by the values a preview uses.

import type { TimeWindow } from "./time-window.js";

/** Grafana's variables, given the values a preview uses: every job and instance, the window's range. */
export function substituteVariables(expr: string, window: TimeWindow): string {
  const rateInterval = Math.max(60, (window.stepMs / 1000) * 4);
  const range = Math.round((window.end - window.start) / 1000);
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, `${rateInterval}s`)
    .replace(/\$__range|\$\{__range\}/g, `${range}s`)
    .replace(/"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?"/g, '".+"');
}
