// Maps a path inside a parsed YAML document back to file:line:column.
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, Scalar } from "yaml";
import type { DocPath, Position } from "../conventions/issue.js";

export type { DocPath };

export class SpecSource {
  constructor(
    /** The path as given (relative to the working directory), used in messages and headers. */
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
    /** The path relative to the project root, which generated headers show whatever the working directory. */
    readonly projectFile: string = file,
  ) {}

  /** Position of the node at `path`; `key` points at the map key instead of the value. */
  locate(path: DocPath, opts: { key?: boolean } = {}): Position {
    const offset = this.offsetOf(path, opts.key ?? false);
    return this.position(offset);
  }

  /**
   * Position of a character inside a string value, e.g. a PromQL error inside a query. Handles
   * plain, quoted and block scalars, whose first content line follows the header line.
   */
  locateInScalar(path: DocPath, index: number): Position {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range) return this.locate(path);
    const value = String(node.value);
    const before = value.slice(0, Math.max(0, Math.min(index, value.length)));
    const lineInValue = before.split("\n").length - 1;
    const colInLine = before.length - (before.lastIndexOf("\n") + 1);
    const start = node.range[0];
    const startPos = this.position(start);
    if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
      const firstContentLine = startPos.line + 1;
      const firstLineText = this.text.split("\n")[firstContentLine - 1] ?? "";
      // Block scalars strip one common indentation: that of the first content line.
      const indent = firstLineText.length - firstLineText.trimStart().length;
      return { line: firstContentLine + lineInValue, column: indent + colInLine + 1 };
    }
    const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
    if (lineInValue === 0) return { line: startPos.line, column: startPos.column + quote + colInLine };
    return { line: startPos.line + lineInValue, column: colInLine + 1 };
  }

  private position(offset: number): Position {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  nodeAt(path: DocPath): Node | null {
    let node: unknown = this.doc.contents;
    for (const part of path) {
      const next = child(node, part);
      if (next === undefined) return null;
      node = next;
    }
    return (node as Node) ?? null;
  }

  private offsetOf(path: DocPath, key: boolean): number {
    let node: unknown = this.doc.contents;
    let best = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const part = path[i] as string | number;
      const isLast = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(part));
        if (!pair) return best;
        const keyStart = rangeStart(pair.key);
        if (isLast && key && keyStart !== undefined) return keyStart;
        node = pair.value;
        best = rangeStart(node) ?? keyStart ?? best;
      } else if (isSeq(node) && typeof part === "number") {
        const item = node.items[part];
        if (item === undefined) return best;
        node = item;
        best = rangeStart(node) ?? best;
      } else {
        return best;
      }
    }
    return best;
  }
}

function keyText(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return undefined;
}

function child(node: unknown, part: string | number): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(part));
    return pair ? pair.value : undefined;
  }
  if (isSeq(node) && typeof part === "number") return node.items[part];
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : undefined;
}
