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
  if (abs < 1) return `${trim(v * 1000, 0)} ms`;
  if (abs < 60) return `${trim(v, 2)} s`;
  if (abs < 3600) return `${trim(v / 60, 1)} min`;
  return `${trim(v / 3600, 1)} hour`;
}

export function formatValue(unit: string | undefined, v: number): string {
  switch (unit) {
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
      return short(v);
  }
}
