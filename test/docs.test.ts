// The documentation: the generated reference pages are what `npm run docs` writes now, they cover
// every spec field and every diagnostic code, and every relative link in README.md and docs/*.md
// reaches a file (and its #anchor a heading there).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, type RuleInfo } from "../src/model/rules.ts";
import { fixtureIssues, generatedDocs, renderChecks, renderSpecReference, slug, specJsonSchema } from "../scripts/docs.ts";

const PAGES = ["README.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].sort();

/** Markdown text with fenced code blocks and inline code spans blanked out: links there are examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "").replace(/(`+)[^`\n]*?\1/g, "");
}

/** Anchors of a Markdown file's headings, as GitHub makes them (repeats get -1, -2, …). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug((m[1] ?? "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1"));
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Every link target of a page's prose: inline links and images, `[x](target "title")`. */
function linksOf(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] ?? "");
}

/** Why a relative link from `page` does not resolve, or undefined when it does. */
function brokenLink(page: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [rawPath = "", anchor] = target.split("#", 2);
  const path = decodeURIComponent(rawPath);
  const file = path === "" ? page : normalize(join(dirname(page), path));
  if (!existsSync(file)) return `${page}: ${target}: no file ${file}`;
  if (anchor === undefined || anchor === "") return undefined;
  if (statSync(file).isDirectory() || !file.endsWith(".md")) return `${page}: ${target}: an anchor into ${file}, which has no headings`;
  if (!anchorsOf(readFileSync(file, "utf8")).has(anchor)) return `${page}: ${target}: no heading #${anchor} in ${file}`;
  return undefined;
}

describe("the generated reference pages", () => {
  it("are what npm run docs writes now (run it after changing the spec schema, the rules or their fixtures)", () => {
    for (const [path, content] of generatedDocs()) expect(readFileSync(path, "utf8"), `${path} is stale: run npm run docs`).toBe(content);
  });

  it("list every field of the spec schema, with its description", () => {
    const page = renderSpecReference();
    const fields: [string, string | undefined][] = [];
    const walk = (s: ReturnType<typeof specJsonSchema>): void => {
      for (const [name, child] of Object.entries(s.properties ?? {})) {
        fields.push([name, child.description]);
        walk(child);
      }
      for (const member of s.anyOf ?? []) walk(member);
      if (s.items) walk(s.items);
      if (typeof s.additionalProperties === "object") walk(s.additionalProperties);
    };
    walk(specJsonSchema());
    expect(fields.length).toBeGreaterThan(100);
    for (const [name, description] of fields) {
      const row = page.split("\n").find((l) => l.startsWith(`| \`${name}\` |`) && (description === undefined || l.includes(description.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " "))));
      expect(row, `no row for ${name}: ${description ?? ""}`).toBeDefined();
    }
  });

  it("list every diagnostic code with its summary, and an example that carries that code", () => {
    const page = renderChecks();
    for (const rule of Object.values(RULES as Record<string, RuleInfo>)) {
      expect(page).toContain(`| [${rule.code}](#${rule.code.toLowerCase()}) |`);
      expect(page).toContain(`## ${rule.code}\n`);
      const section = page.slice(page.indexOf(`## ${rule.code}\n`)).split("\n## ")[0] ?? "";
      const example = /```\n([\s\S]*?)\n```/.exec(section)?.[1];
      if (example !== undefined) expect(example, rule.code).toMatch(new RegExp(`^\\S+ (error|warning) ${rule.code} `));
    }
  });

  it("take each example from what the pipeline reports for a fixture", () => {
    const issues = fixtureIssues();
    const codes = new Set(issues.map((i) => i.code));
    expect(codes.size).toBeGreaterThan(20);
    const page = renderChecks(issues);
    const first = issues[0];
    if (first === undefined) throw new Error("the fixtures report nothing");
    expect(page).toContain(`${first.file}:${first.line}:${first.column} ${first.severity} ${first.code} `);
  });
});

describe("the documentation's links", () => {
  it("finds the pages to check", () => {
    expect(PAGES).toEqual(expect.arrayContaining(["README.md", "docs/OPERATIONS.md", "docs/spec-reference.md", "docs/checks.md"]));
  });

  it("resolve: every relative link in README.md and docs/*.md reaches a file, and every #anchor a heading there", () => {
    const broken = PAGES.flatMap((page) => linksOf(readFileSync(page, "utf8")).flatMap((target) => brokenLink(page, target) ?? []));
    expect(broken).toEqual([]);
  });

  it("would report a missing file and a missing heading (the check is real)", () => {
    expect(brokenLink("README.md", "docs/nowhere.md")).toMatch(/no file docs\/nowhere\.md/);
    expect(brokenLink("README.md", "docs/OPERATIONS.md#no-such-heading")).toMatch(/no heading #no-such-heading/);
    expect(brokenLink("docs/OPERATIONS.md", "#secrets")).toBeUndefined();
    expect(brokenLink("docs/OPERATIONS.md", "../README.md")).toBeUndefined();
  });

  it("makes heading anchors as GitHub does", () => {
    expect([...anchorsOf("# The spec\n## `metrics.<name>`\n## Notes\n## Notes\n```\n# not a heading\n```\n")]).toEqual(["the-spec", "metricsname", "notes", "notes-1"]);
  });
});
