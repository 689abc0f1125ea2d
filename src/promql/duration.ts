// Prometheus durations (1h30m, 15s, 500ms) in milliseconds.
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export function parseDuration(text: string): number | undefined {
  const re = /([0-9]+)(ms|s|m|h|d|w|y)/y;
  let total = 0;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
    i = re.lastIndex;
  }
  return text.length > 0 ? total : undefined;
}
