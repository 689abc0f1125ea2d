// The expected diagnostic a malformed-spec fixture declares on a line of its own:
// `# expect: LINE:COLUMN OBSnnn message`. Shared by the invalid and the hostile corpus.

export interface Expectation {
  line: number;
  column: number;
  code: string;
  message: string;
}

export function expectationOf(text: string): Expectation {
  const m = /^# expect: (\d+):(\d+) (OBS\d{3}) (.+)$/m.exec(text);
  if (!m) throw new Error("fixture lacks an '# expect: line:col CODE message' line");
  return { line: Number(m[1]), column: Number(m[2]), code: String(m[3]), message: String(m[4]) };
}
