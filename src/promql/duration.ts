// Prometheus durations (1h30m, 15s, 500ms) in milliseconds, in Prometheus' own format: units from
// the largest to the smallest, each at most once (model.ParseDuration refuses "5m1h" and "1m1m"),
// or a bare 0.
const UNIT_MS: Readonly<Record<string, number>> = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

export const PROMETHEUS_DURATION = /^(?!$)(?:(?:[0-9]+y)?(?:[0-9]+w)?(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?(?:[0-9]+ms)?|0)$/;

/** Milliseconds of a Prometheus duration, or undefined when Prometheus would refuse the text. */
export function parseDuration(text: string): number | undefined {
  if (!PROMETHEUS_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)) total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  // Prometheus refuses durations that overflow; beyond 2^53 ms no sum here is exact either.
  return Number.isSafeInteger(total) ? total : undefined;
}
