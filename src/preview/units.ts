// Grafana unit ids as a reviewer reads them on a panel (the common ones obsgen's specs use).
function trim(n: number, digits: number): string {
  return Number(n.toFixed(digits)).toString();
}

function short(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e9) return `${trim(v / 1e9, 1)} B`;
  if (abs >= 1e6) return `${trim(v / 1e6, 1)} Mil`;
  if (abs >= 1e3) return `${trim(v / 1e3, 1)} K`;
  return trim(v, abs < 10 ? 2 : 1);
}

function seconds(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return "0 s";
  if (abs < 0.001) return `${trim(v * 1e6, 0)} µs`;
  if (abs < 1) return `${trim(v * 1000, 0)} ms`;
  if (abs < 60) return `${trim(v, 2)} s`;
  if (abs < 3600) return `${trim(v / 60, 1)} min`;
  return `${trim(v / 3600, 1)} hour`;
}

function plural(v: number, word: string): string {
  return `${trim(v, 2)} ${word}${Math.abs(v) === 1 ? "" : "s"}`;
}

export function formatValue(unit: string | undefined, v: number): string {
  if (!Number.isFinite(v)) return "No data";
  if (unit?.startsWith("suffix:")) return `${short(v)}${unit.slice("suffix:".length)}`;
  if (unit?.startsWith("prefix:")) return `${unit.slice("prefix:".length)}${short(v)}`;
  switch (unit) {
    case undefined:
    case "":
    case "short":
    case "none":
      return short(v);
    case "h":
      return Math.abs(v) < 1 && v !== 0 ? seconds(v * 3600) : plural(v, "hour");
    case "m":
      return Math.abs(v) < 1 && v !== 0 ? seconds(v * 60) : plural(v, "min").replace(/mins$/, "min");
    case "d":
      return plural(v, "day");
    case "µs":
      return seconds(v / 1e6);
    case "ns":
      return seconds(v / 1e9);
    case "currencyEUR":
      return `€${trim(v, 2)}`;
    case "decbytes":
      return v >= 1e6 ? `${trim(v / 1e6, 1)} MB` : v >= 1e3 ? `${trim(v / 1e3, 1)} kB` : `${trim(v, 0)} B`;
    case "rps":
      return `${short(v)} req/s`;
    case "percent":
      return `${trim(v, 1)}%`;
    case "percentunit":
      return `${trim(v * 100, 1)}%`;
    case "s":
      return seconds(v);
    case "ms":
      return seconds(v / 1000);
    case "opm":
      return `${short(v)} ops/min`;
    case "ops":
      return `${short(v)} ops/s`;
    case "reqps":
      return `${short(v)} req/s`;
    case "currencyUSD":
      return `$${trim(v, 2)}`;
    case "bytes":
      return v >= 1024 ** 2 ? `${trim(v / 1024 ** 2, 1)} MiB` : v >= 1024 ? `${trim(v / 1024, 1)} KiB` : `${trim(v, 0)} B`;
    default:
      // A unit id this preview does not know is still shown, as a suffix, rather than dropped.
      return `${short(v)} ${unit}`;
  }
}
