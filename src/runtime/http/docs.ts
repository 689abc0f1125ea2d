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
}

interface Operation {
  operationId?: string;
  summary?: string;
  requestBody?: { content?: { "application/json"?: { schema?: JsonSchema } } };
  responses?: Record<string, { description?: string }>;
}

function fields(schema: JsonSchema | undefined, prefix = ""): HtmlEscapedString[] {
  const rows: HtmlEscapedString[] = [];
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const required = schema?.required?.includes(name) ? "required" : "optional";
    const type = Array.isArray(prop.type) ? prop.type.join(" | ") : (prop.type ?? "object");
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
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => html`<li><code>${code}</code> ${r.description ?? ""}</li>`);
      return html`<section id="${op.operationId ?? path}">
<h2><span class="m">${method.toUpperCase()}</span> <code>${path}</code></h2>
<p>${op.summary ?? ""}</p>
${body ? html`<table><tr><th>field</th><th>type</th><th></th><th>description</th></tr>${fields(body)}</table>` : ""}
<ul>${responses}</ul>
</section>`;
    }),
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${info.title ?? "API"}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.m{background:#265;color:#fff;padding:0 .4rem;border-radius:3px;font-size:.8em}</style></head>
<body><h1>${info.title ?? "API"} <small>${info.version ?? ""}</small></h1><p>${info.description ?? ""}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
${sections}
</body></html>`;
}
