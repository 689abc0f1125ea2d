// Prometheus renders every alert annotation and label as a Go template, with functions that run
// PromQL (`query`), loop, define templates and emit unescaped HTML. A spec string is data, so
// obsgen lets through only the forms that show an alert's own data (the bundled spec's
// descriptions use them on purpose), and refuses every other action at generate time:
//
//   {{ $value }}  {{ $labels.NAME }}  {{ $externalLabels.NAME }}  {{ $externalURL }}
//   (or .Value, .Labels.NAME, .ExternalLabels.NAME, .ExternalURL), each optionally piped through
//   humanize, humanize1024, humanizePercentage, humanizeDuration, humanizeTimestamp, toUpper,
//   toLower or title; and a string constant such as {{ "{{" }} to write braces literally.
//   Trim markers ({{- … -}}) are allowed.

const FORMATTERS = ["humanize", "humanize1024", "humanizePercentage", "humanizeDuration", "humanizeTimestamp", "toUpper", "toLower", "title"];
const NAME = "[a-zA-Z_][a-zA-Z0-9_]*";
const DATA = `(?:\\$value|\\.Value|\\$externalURL|\\.ExternalURL|(?:\\$labels|\\.Labels|\\$externalLabels|\\.ExternalLabels)\\.${NAME})`;
const PIPELINE = new RegExp(`^${DATA}(?:\\s*\\|\\s*(?:${FORMATTERS.join("|")}))*$`);
const STRING_CONSTANT = /^"(?:[^"\\\n]|\\.)*"$/;

export interface TemplateProblem {
  /** Index in the text where the offending action starts. */
  offset: number;
  message: string;
}

/** Index just past the `}}` closing the action that starts at `open`, honouring quoted strings. */
function actionEnd(text: string, open: number): number | undefined {
  let i = open + 2;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== '"' && text.charAt(i) !== "\n") i += text.charAt(i) === "\\" ? 2 : 1;
      i++;
    } else if (c === "`") {
      const close = text.indexOf("`", i + 1);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (text.startsWith("}}", i)) {
      return i + 2;
    } else {
      i++;
    }
  }
  return undefined;
}

/** The first template action outside the allowed forms, or undefined when every action is allowed. */
export function templateProblem(text: string): TemplateProblem | undefined {
  let from = 0;
  for (;;) {
    const open = text.indexOf("{{", from);
    if (open < 0) return undefined;
    const end = actionEnd(text, open);
    if (end === undefined) return { offset: open, message: `"{{" is never closed by "}}"` };
    let inner = text.slice(open + 2, end - 2);
    // Trim markers are "{{- " and " -}}": the dash must be followed (preceded) by a space.
    if (/^-\s/.test(inner)) inner = inner.slice(1);
    if (/\s-$/.test(inner)) inner = inner.slice(0, -1);
    inner = inner.trim();
    if (!PIPELINE.test(inner) && !STRING_CONSTANT.test(inner)) {
      const shown = inner.length > 40 ? `${inner.slice(0, 40)}…` : inner;
      return { offset: open, message: `the template action {{ ${shown} }} is not allowed: Prometheus would run it` };
    }
    from = end;
  }
}

/** An annotation whose text is a Go template: its rendered value depends on the data. */
export function isTemplated(text: string): boolean {
  return text.includes("{{");
}
