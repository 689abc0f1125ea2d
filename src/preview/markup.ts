// A minimal SVG/HTML element tree, serialised once with escaping: no markup built by hand.
export interface Element {
  tag: string;
  attrs: Readonly<Record<string, string | number>>;
  children: readonly Node[];
}
/** Markup produced by a renderer we trust (ECharts' SVG), embedded verbatim. */
export interface Raw {
  raw: string;
}
export type Node = Element | Raw | string;

export function el(tag: string, attrs: Readonly<Record<string, string | number>> = {}, ...children: Node[]): Element {
  return { tag, attrs, children };
}

export function raw(markup: string): Raw {
  return { raw: markup };
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Numbers printed with at most two decimals, so output does not depend on float noise. */
function attr(v: string | number): string {
  return typeof v === "number" ? String(Math.round(v * 100) / 100) : escape(v);
}

export function serialize(node: Node): string {
  if (typeof node === "string") return escape(node);
  if ("raw" in node) return node.raw;
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${attr(v)}"`).join("");
  if (node.children.length === 0) return `<${node.tag}${attrs}/>`;
  return `<${node.tag}${attrs}>${node.children.map(serialize).join("")}</${node.tag}>`;
}
