// The documentation: the generated reference pages are what `npm run docs` writes now, they cover
// every spec field and every diagnostic code; every relative link in README.md, SECURITY.md,
// BENCHMARKS.md and docs/*.md reaches a file (and its #anchor a heading there); and the README's
// five-minute walkthrough runs as written.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES, type RuleInfo } from "../src/conventions/rules.ts";
import { runObsgen } from "./support/cli-process.js";
import { runTsc } from "./support/tsc.ts";
import { CHECKS_PATH, EDIT_EXAMPLES, editIssues, fixtureIssues, generatedDocs, renderChecks, slug, SPEC_REFERENCE_PATH, specJsonSchema } from "../scripts/docs.ts";

let rendered: Map<string, string> | undefined;
/** What npm run docs would write now, computed once for the file (it runs the pipeline on every example). */
function renderedDocs(): Map<string, string> {
  rendered ??= generatedDocs();
  return rendered;
}

const PAGES = ["README.md", "SECURITY.md", "BENCHMARKS.md", ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)].sort();

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
    for (const [path, content] of renderedDocs()) expect(readFileSync(path, "utf8"), `${path} is stale: run npm run docs`).toBe(content);
  });

  it("list every field of the spec schema, with its description", () => {
    const page = renderedDocs().get(SPEC_REFERENCE_PATH) ?? "";
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
    const page = renderedDocs().get(CHECKS_PATH) ?? "";
    for (const rule of Object.values(RULES as Record<string, RuleInfo>)) {
      expect(page).toContain(`| [${rule.code}](#${rule.code.toLowerCase()}) |`);
      expect(page).toContain(`## ${rule.code}\n`);
      const section = page.slice(page.indexOf(`## ${rule.code}\n`)).split("\n## ")[0] ?? "";
      const example = /```\n([\s\S]*?)\n```/.exec(section)?.[1];
      if (example !== undefined) expect(example, rule.code).toMatch(new RegExp(`^\\S+ (error|warning) ${rule.code} `));
    }
  });

  it("break the bundled spec in each edit example so that it reports that example's code", () => {
    const missing = EDIT_EXAMPLES.filter((e) => !editIssues(e.edits, e.second).some((i) => i.code === e.code)).map((e) => e.code);
    expect(missing).toEqual([]);
    expect(editIssues([]).filter((i) => i.severity === "error")).toEqual([]);
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

  it("resolve: every relative link in README.md, SECURITY.md, BENCHMARKS.md and docs/*.md reaches a file, and every #anchor a heading there", () => {
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

/** The fenced blocks of one README section, by language. */
function readmeBlocks(heading: string): { lang: string; body: string }[] {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README.md has no section "${heading}"`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? "", body: m[2] ?? "" }));
}

/**
 * tsc --strict on one file of a project whose node_modules is this repository's; `obsgen/runtime`
 * (which an installed obsgen provides) resolves to its source here, as in this repository's tsconfig.
 */
function typecheck(dir: string, file: string): { code: number | null; out: string } {
  const config = {
    compilerOptions: {
      noEmit: true,
      strict: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: ["node"],
      paths: { "obsgen/runtime": [resolve("src", "generators", "metrics-module", "enum-metrics.ts")] },
    },
    files: [file],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
  const r = runTsc(["-p", "tsconfig.json"], dir);
  return { code: r.status, out: r.output };
}

describe("the README's five-minute walkthrough", () => {
  it("runs as written in a new project: init, generate, check and validate succeed, and the embedding example compiles under tsc --strict", () => {
    const blocks = readmeBlocks("Five minutes with obsgen");
    const commands = (blocks.find((b) => b.lang === "bash")?.body ?? "")
      .split("\n")
      .map((l) => l.replace(/#.*$/, "").trim())
      .filter((l) => l.startsWith("npx obsgen "));
    expect(commands.map((c) => c.split(/\s+/)[2])).toEqual(["init", "generate", "check", "validate"]);
    const example = blocks.find((b) => b.lang === "ts")?.body;
    if (example === undefined) throw new Error("the walkthrough has no TypeScript example");

    const dir = mkdtempSync(join(tmpdir(), "obsgen-walkthrough-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "checkout", version: "1.0.0", type: "module" }));
      for (const command of commands) {
        const r = runObsgen(command.split(/\s+/).slice(2), dir);
        expect(r.code, `${command}\n${r.out}${r.err}`).toBe(0);
      }
      symlinkSync(resolve("node_modules"), join(dir, "node_modules"), "dir");
      writeFileSync(join(dir, "server.ts"), example);
      const ok = typecheck(dir, "server.ts");
      expect(ok.code, ok.out).toBe(0);
      // The example's comment holds: a value outside the enumeration does not compile.
      writeFileSync(join(dir, "typo.ts"), example.replace('code: "200"', 'code: "201"'));
      const typo = typecheck(dir, "typo.ts");
      expect(typo.code).not.toBe(0);
      expect(typo.out).toContain('"201"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
