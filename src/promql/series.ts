// The series notation of promtool's input_series: `name{label="value", …}`. Only what the alert
// lint needs: the metric name and the label pairs, or undefined when the text is not a series.
export const INSTANCE_LABEL = "instance";

export interface SeriesRef {
  name: string;
  labels: ReadonlyMap<string, string>;
}

const HEAD = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/s;
const PAIR = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

export function parseSeries(text: string): SeriesRef | undefined {
  const head = HEAD.exec(text);
  if (!head) return undefined;
  const labels = new Map<string, string>();
  const body = head[2] ?? "";
  let i = 0;
  while (i < body.length && body.slice(i).trim() !== "") {
    PAIR.lastIndex = i;
    const m = PAIR.exec(body);
    if (!m || m.index !== i) return undefined;
    labels.set(m[1] ?? "", JSON.parse(`"${m[2] ?? ""}"`) as string);
    i = PAIR.lastIndex;
    if (m[3] === "" && i < body.length) return undefined;
  }
  const name = head[1] ?? labels.get("__name__");
  if (name === undefined) return undefined;
  return { name, labels };
}
