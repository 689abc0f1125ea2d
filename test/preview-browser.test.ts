// The HTML preview opened in a real headless Chromium (Debian's `chromium`, or Google Chrome where a
// CI runner ships it): it loads without errors, every panel is drawn at its place, text is laid out.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PAGE_WIDTH, runPreview, type PreviewResult } from "../src/preview/index.js";
import { PIPELINE } from "../src/pipeline/index.js";

// Runs in the page (this project's tsconfig has no DOM types, so it is passed as source text).
const MEASURE = `(() => {
  const root = document.querySelector("body > svg");
  const charts = [...document.querySelectorAll("body > svg svg")].map((s) => {
    const r = s.getBoundingClientRect();
    const boxes = [...s.querySelectorAll("text")].filter((t) => (t.textContent || "").trim() !== "").map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) overlaps.push(boxes[i].text + " / " + boxes[j].text);
    }
    return { x: r.x, y: r.y, w: r.width, h: r.height, shapes: s.querySelectorAll("path, rect, text").length, overlaps };
  });
  const titles = [...document.querySelectorAll("body > svg > g > text")].map((t) => ({ text: t.textContent || "", width: t.getComputedTextLength() }));
  const mark = document.querySelector('[data-mark="synthetic"]');
  const box = mark && mark.querySelector("rect") ? mark.querySelector("rect").getBoundingClientRect() : undefined;
  const words = mark && mark.querySelector("text") ? mark.querySelector("text").getBoundingClientRect() : undefined;
  return {
    width: root ? root.getBoundingClientRect().width : 0,
    charts,
    titles,
    mark: mark && box && words ? { text: mark.textContent || "", inside: words.left >= box.left && words.right <= box.right, width: words.width } : null,
  };
})()`;
const measured = z.object({
  width: z.number(),
  charts: z.array(z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number(), shapes: z.number(), overlaps: z.array(z.string()) })),
  titles: z.array(z.object({ text: z.string(), width: z.number() })),
  mark: z.object({ text: z.string(), inside: z.boolean(), width: z.number() }).nullable(),
});

const BROWSERS = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const executable = BROWSERS.find((p): p is string => p !== undefined && p !== "" && existsSync(p));
// In CI a missing browser is a failure, not a skip: scripts/install-tools.sh installs one.
const run = executable !== undefined || process.env.CI !== undefined ? describe : describe.skip;

run("the HTML preview in headless Chromium", () => {
  let out = "";
  let profile = "";
  let result: PreviewResult;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    if (executable === undefined) throw new Error(`no Chromium at ${BROWSERS.filter(Boolean).join(", ")}: run scripts/install-tools.sh`);
    out = mkdtempSync(join(tmpdir(), "obsgen-preview-browser-"));
    profile = mkdtempSync(join(tmpdir(), "obsgen-chromium-profile-"));
    result = await runPreview({ pipeline: PIPELINE, spec: "metrics-spec", out, cwd: process.cwd() });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: executable,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    rmSync(out, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it("loads every dashboard page without a console error, shows the synthetic-data mark, and draws each panel's chart inside its rectangle", async () => {
    if (!context) throw new Error("no browser");
    for (const dashboard of result.dashboards) {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      // Nothing outside the file may be fetched: a preview is a self-contained artifact.
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(`file://${join(out, `${dashboard.uid}.html`)}`);
      const page_ = measured.parse(await page.evaluate(MEASURE));
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
      expect(page_.width).toBe(PAGE_WIDTH);
      // The synthetic-data mark is laid out, and its words fit inside its frame.
      expect(page_.mark?.text).toContain("SYNTHETIC DATA");
      expect(page_.mark?.inside).toBe(true);
      expect(page_.mark?.width).toBeGreaterThan(200);
      const drawn = dashboard.panels.filter((p) => p.type !== "row");
      expect(page_.charts).toHaveLength(drawn.length);
      for (const [i, panel] of drawn.entries()) {
        const chart = page_.charts[i];
        expect(chart?.shapes, panel.title).toBeGreaterThan(3);
        // The chart sits inside the panel's rectangle, below its title.
        expect(chart?.x).toBeGreaterThanOrEqual(panel.rect.x);
        expect((chart?.x ?? 0) + (chart?.w ?? 0)).toBeLessThanOrEqual(panel.rect.x + panel.rect.w + 1);
        expect(chart?.y).toBeGreaterThan(panel.rect.y);
        // No tick label, legend entry or slice label is drawn over another.
        expect(chart?.overlaps, panel.title).toEqual([]);
      }
      for (const panel of drawn) {
        const title = page_.titles.find((t) => t.text === panel.title);
        expect(title?.width, `title "${panel.title}" is laid out`).toBeGreaterThan(20);
      }
      await page.close();
    }
  }, 120_000);
});
