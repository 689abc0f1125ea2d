// /docs: the OpenAPI document rendered as one self-contained HTML page (no CDN, no scripts), so it
// works on machines without internet access. hono's html template escapes every interpolation.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  default?: unknown;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
}

interface Media {
  schema?: JsonSchema;
  example?: unknown;
}

interface Operation {
  operationId?: string;
  summary?: string;
  requestBody?: { content?: { "application/json"?: { schema?: JsonSchema } } };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
}

/** `"conflict"` for a const, `"a" | "b"` for an enum, else the JSON type. */
function typeText(prop: JsonSchema): string {
  if (prop.const !== undefined) return JSON.stringify(prop.const);
  if (prop.enum) return prop.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (prop.anyOf) return prop.anyOf.map(typeText).join(" | ");
  return Array.isArray(prop.type) ? prop.type.join(" | ") : (prop.type ?? "object");
}

const HEADER = html`<tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>`;

function table(schema: JsonSchema): HtmlEscapedString | string {
  const rows = fields(schema);
  return rows.length > 0 ? (html`<table>${HEADER}${rows}</table>` as HtmlEscapedString) : "";
}

function responseItem(code: string, r: { description?: string; content?: Record<string, Media> }): HtmlEscapedString | Promise<HtmlEscapedString> {
  const [mediaType, media] = Object.entries(r.content ?? {})[0] ?? [];
  const example = media?.example === undefined ? "" : typeof media.example === "string" ? media.example : JSON.stringify(media.example, null, 2);
  return html`<li><code>${code}</code> ${r.description ?? ""}${mediaType ? html` <small>(${mediaType})</small>` : ""}
${media?.schema ? table(media.schema) : ""}${example !== "" ? html`<details><summary>example</summary><pre>${example}</pre></details>` : ""}</li>`;
}

function fields(schema: JsonSchema | undefined, prefix = ""): HtmlEscapedString[] {
  const rows: HtmlEscapedString[] = [];
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const required = schema?.required?.includes(name) ? "required" : "optional";
    const type = typeText(prop);
    const dflt = prop.default === undefined ? "" : ` (default ${JSON.stringify(prop.default)})`;
    rows.push(html`<tr><td><code>${prefix}${name}</code></td><td>${type}</td><td>${required}${dflt}</td><td>${prop.description ?? ""}</td></tr>` as HtmlEscapedString);
    if (prop.properties) rows.push(...fields(prop, `${prefix}${name}.`));
    if (prop.items?.properties) rows.push(...fields(prop.items, `${prefix}${name}[].`));
  }
  return rows;
}

export function renderDocs(doc: Record<string, unknown>): HtmlEscapedString | Promise<HtmlEscapedString> {
  const info = (doc["info"] ?? {}) as { title?: string; version?: string; description?: string };
  const paths = (doc["paths"] ?? {}) as Record<string, Record<string, Operation>>;
  const sections = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = op.requestBody?.content?.["application/json"]?.schema;
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => responseItem(code, r));
      return html`<section id="${op.operationId ?? path}">
<h2><span class="m">${method.toUpperCase()}</span> <code>${path}</code></h2>
<p>${op.summary ?? ""}</p>
${body ? html`<h3>Request body</h3>${table(body)}` : ""}
<h3>Responses</h3>
<ul>${responses}</ul>
</section>`;
    }),
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${info.title ?? "API"}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
pre{background:#f4f4f4;padding:.5rem;overflow:auto}li{margin:.5rem 0}
.m{background:#265;color:#fff;padding:0 .4rem;border-radius:3px;font-size:.8em}</style></head>
<body><h1>${info.title ?? "API"} <small>${info.version ?? ""}</small></h1><p>${info.description ?? ""}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
${sections}
</body></html>`;
}
