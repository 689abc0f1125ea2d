// promtool's expanding notation for input series values (`0+10x20 _x3 stale 1 2`), parsed at
// generate time so a malformed test fails with the spec's position instead of later in promtool.
// It follows the series-description lexer and grammar of Prometheus' promql/parser (lex.go:
// lexValueSequence, scanNumber, lexKeywordOrIdentifier; generated_parser.y: series_values,
// series_item, series_value, uint, number) as of promtool 2.42, the version this project runs;
// test/series-values.test.ts checks a table of cases against the real promtool.
//
//   values := item (space item)*            (leading and trailing space allowed)
//   item   := "_" | "_" "x" uint | value | value "x" uint | value ("+"|"-") number "x" uint
//   value  := "stale" | number | ("+"|"-") number
//   number := digits ["." digits] [("e"|"E") ["+"|"-"] digits] | "inf" | "nan"   (any case)

export type SeriesValuesResult = { ok: true; samples: number } | { ok: false; offset: number; message: string };

type TokenKind = "space" | "add" | "sub" | "times" | "blank" | "number" | "identifier";

interface Token {
  kind: TokenKind;
  text: string;
  at: number;
}

class SeriesSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const isSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r";
const isDigit = (c: string) => c >= "0" && c <= "9";
const isAlpha = (c: string) => c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isAlphaNumeric = (c: string) => isAlpha(c) || isDigit(c);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const run = (from: number, chars: (c: string) => boolean): number => {
    let j = from;
    while (j < text.length && chars(text.charAt(j))) j++;
    return j;
  };
  while (i < text.length) {
    const c = text.charAt(i);
    const start = i;
    if (isSpace(c)) {
      i = run(i, isSpace);
      tokens.push({ kind: "space", text: text.slice(start, i), at: start });
    } else if (c === "+" || c === "-" || c === "x" || c === "_") {
      i++;
      tokens.push({ kind: c === "+" ? "add" : c === "-" ? "sub" : c === "x" ? "times" : "blank", text: c, at: start });
    } else if (isDigit(c) || (c === "." && isDigit(text.charAt(i + 1)))) {
      // scanNumber: no hexadecimal in series descriptions (0x10 is 0 repeated 10 times).
      i = run(i, isDigit);
      if (text.charAt(i) === ".") i = run(i + 1, isDigit);
      if (text.charAt(i) === "e" || text.charAt(i) === "E") {
        i++;
        if (text.charAt(i) === "+" || text.charAt(i) === "-") i++;
        i = run(i, isDigit);
      }
      const next = text.charAt(i);
      if (next !== "x" && next !== "" && isAlphaNumeric(next)) throw new SeriesSyntaxError(start, `bad number syntax: ${JSON.stringify(text.slice(start, i + 1))}`);
      tokens.push({ kind: "number", text: text.slice(start, i), at: start });
    } else if (isAlpha(c)) {
      i = run(i, (ch) => isAlphaNumeric(ch) || ch === ":");
      const word = text.slice(start, i);
      const lower = word.toLowerCase();
      tokens.push({ kind: lower === "inf" || lower === "nan" ? "number" : "identifier", text: word, at: start });
    } else {
      throw new SeriesSyntaxError(start, `unexpected character ${JSON.stringify(c)} in series values`);
    }
  }
  return tokens;
}

/** The parser's number(): strconv.ParseInt(s, 0, 64), else ParseFloat, which must succeed in range. */
function checkNumber(tok: Token): void {
  const lower = tok.text.toLowerCase();
  if (lower === "inf" || lower === "nan") return;
  if (!/^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(tok.text)) throw new SeriesSyntaxError(tok.at, `${JSON.stringify(tok.text)} is not a number`);
  if (!Number.isFinite(Number(tok.text))) throw new SeriesSyntaxError(tok.at, `${JSON.stringify(tok.text)} is out of range`);
}

/** strconv.ParseUint(s, 10, 64): decimal digits only. */
function repetitions(tok: Token | undefined, end: number): number {
  if (tok === undefined) throw new SeriesSyntaxError(end, 'expected a repetition count after "x"');
  if (tok.kind !== "number") throw new SeriesSyntaxError(tok.at, `expected a repetition count after "x", found ${JSON.stringify(tok.text)}`);
  if (!/^[0-9]+$/.test(tok.text) || BigInt(tok.text) > 18446744073709551615n) {
    throw new SeriesSyntaxError(tok.at, `invalid repetition ${JSON.stringify(tok.text)}: expected a whole number after "x"`);
  }
  return Number(tok.text);
}

export function parseSeriesValues(text: string): SeriesValuesResult {
  try {
    const tokens = tokenize(text);
    let p = 0;
    let samples = 0;
    const peek = (): Token | undefined => tokens[p];
    const take = (): Token | undefined => tokens[p++];
    const unexpected = (tok: Token | undefined, expected: string): SeriesSyntaxError =>
      tok === undefined
        ? new SeriesSyntaxError(text.length, `unexpected end of values, expected ${expected}`)
        : new SeriesSyntaxError(tok.at, `unexpected ${JSON.stringify(tok.text)}, expected ${expected}`);
    const signedNumber = (): void => {
      take();
      const n = take();
      if (n?.kind !== "number") throw unexpected(n, "a number after the sign");
      checkNumber(n);
    };
    const item = (): void => {
      const first = peek();
      if (first?.kind === "blank") {
        take();
        if (peek()?.kind === "times") {
          take();
          samples += repetitions(take(), text.length);
        } else samples += 1;
        return;
      }
      if (first?.kind === "identifier") {
        if (first.text !== "stale") throw new SeriesSyntaxError(first.at, `unexpected ${JSON.stringify(first.text)}, expected a number or "stale"`);
        take();
      } else if (first?.kind === "number") {
        checkNumber(first);
        take();
      } else if (first?.kind === "add" || first?.kind === "sub") {
        signedNumber();
      } else {
        throw unexpected(first, 'a number, "stale" or "_"');
      }
      const next = peek();
      if (next?.kind === "times") {
        take();
        samples += repetitions(take(), text.length) + 1;
      } else if (next?.kind === "add" || next?.kind === "sub") {
        signedNumber();
        const times = take();
        if (times?.kind !== "times") throw unexpected(times, `"x" and a repetition count (a+bxn)`);
        samples += repetitions(take(), text.length) + 1;
      } else {
        samples += 1;
      }
    };
    if (peek()?.kind === "space") take();
    while (p < tokens.length) {
      item();
      const sep = peek();
      if (sep === undefined) break;
      if (sep.kind !== "space") throw unexpected(sep, "a space between values");
      take();
    }
    return { ok: true, samples };
  } catch (e) {
    if (e instanceof SeriesSyntaxError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}
