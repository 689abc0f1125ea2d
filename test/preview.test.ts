import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { loadModel } from "../src/pipeline/load.js";
import { dashboardsOf, PAGE_WIDTH, panelRect, runPreview, type PreviewResult } from "../src/preview/index.js";
import { fontFiles } from "../src/preview/render.js";
import { PrometheusServer } from "./support/prometheus.js";
import { PIPELINE } from "../src/pipeline/index.js";

/** Decodes an 8-bit RGBA, non-interlaced PNG (what resvg writes) into its pixels. */
function decodePng(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => [number, number, number, number] } {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const len = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    }
    if (type === "IDAT") idat.push(data);
    offset += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] ?? 0;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= 4 ? (out[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (out[(y - 1) * stride + x - 4] ?? 0) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const pixel = (x: number, y: number): [number, number, number, number] => {
    const i = y * stride + x * 4;
    return [out[i] ?? 0, out[i + 1] ?? 0, out[i + 2] ?? 0, out[i + 3] ?? 0];
  };
  return { width, height, pixel };
}

/** Share of sampled pixels in the rectangle that differ from the panel background. */
function inkShare(img: ReturnType<typeof decodePng>, r: { x: number; y: number; w: number; h: number }): number {
  const background = img.pixel(Math.round(r.x + 3), Math.round(r.y + r.h - 3));
  let ink = 0;
  let total = 0;
  for (let y = Math.ceil(r.y + 28); y < r.y + r.h - 2; y += 3) {
    for (let x = Math.ceil(r.x + 2); x < r.x + r.w - 2; x += 3) {
      total++;
      const p = img.pixel(x, y);
      if (Math.abs(p[0] - background[0]) + Math.abs(p[1] - background[1]) + Math.abs(p[2] - background[2]) > 30) ink++;
    }
  }
  return ink / total;
}

describe("obsgen preview of the repository's dashboards", () => {
  let out = "";
  let result: PreviewResult;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "obsgen-preview-"));
    result = await runPreview({ pipeline: PIPELINE, spec: "metrics-spec", out, cwd: process.cwd() });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("writes a PNG and an HTML page per generated dashboard", () => {
    const uids = dashboardsOf(loadModel("metrics-spec").model, PIPELINE).map((d) => d.dashboard.uid);
    expect(uids.length).toBeGreaterThan(0);
    for (const uid of uids) {
      expect(existsSync(join(out, `${uid}.png`))).toBe(true);
      expect(readFileSync(join(out, `${uid}.html`), "utf8")).toMatch(/^<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"\/>/);
    }
  });

  it("sizes the image from the dashboard's grid: 24 columns across, 30 px per grid row", () => {
    for (const page of result.dashboards) {
      const dash = dashboardsOf(loadModel("metrics-spec").model, PIPELINE).find((d) => d.dashboard.uid === page.uid)?.dashboard;
      const rows = Math.max(...(dash?.panels ?? []).map((p) => p.gridPos.y + p.gridPos.h));
      const img = decodePng(readFileSync(join(out, `${page.uid}.png`)));
      expect([img.width, img.height]).toEqual([PAGE_WIDTH, 48 + rows * 30 + 12]);
    }
  });

  it("draws every panel of every kind inside its gridPos rectangle", () => {
    const kinds = new Set(result.dashboards.flatMap((page) => page.panels.map((p) => p.type)));
    expect([...kinds].sort()).toEqual(["bargauge", "gauge", "heatmap", "piechart", "stat", "timeseries"]);
    for (const page of result.dashboards) {
      const img = decodePng(readFileSync(join(out, `${page.uid}.png`)));
      for (const panel of page.panels) {
        expect(panel.rect).toEqual(expect.objectContaining({ w: expect.any(Number) }));
        expect(inkShare(img, panel.rect), `${panel.type} "${panel.title}" is blank`).toBeGreaterThan(0.02);
      }
    }
  });

  it("writes panel titles as text with a real font, when DejaVu is installed", () => {
    if (fontFiles().length === 0) return console.warn("skipped: no DejaVu font file to render text with");
    const page = result.dashboards[0];
    if (!page) throw new Error("no dashboard rendered");
    const img = decodePng(readFileSync(join(out, `${page.uid}.png`)));
    const first = page.panels[0];
    if (!first) throw new Error("no panel");
    expect(inkShare(img, { x: first.rect.x + 8, y: first.rect.y - 22, w: 140, h: 40 })).toBeGreaterThan(0.02);
  });

  it("draws threshold colours: a gauge's value takes the colour of its threshold step, and time series show threshold lines", () => {
    const html = readFileSync(join(out, `${result.dashboards[0]?.uid ?? ""}.html`), "utf8");
    expect(html).toContain("#f2495c");
    expect(html).toContain("#73bf69");
    // P95 latency's 5 s threshold: a red line across the time series, 2 px wide (series lines are 1.5).
    expect(html).toMatch(/stroke="#f2495c" stroke-width="2"/);
  });

  it("gives the same bytes on a second run", async () => {
    const again = mkdtempSync(join(tmpdir(), "obsgen-preview-again-"));
    try {
      await runPreview({ pipeline: PIPELINE, spec: "metrics-spec", out: again, cwd: process.cwd() });
      for (const f of result.files) {
        const name = f.path.slice(out.length + 1);
        expect(readFileSync(join(again, name)).equals(readFileSync(f.path)), name).toBe(true);
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("obsgen preview --base", () => {
  it("renders the base beside the change in one picture twice as wide", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-base-"));
    try {
      const r = await runPreview({ pipeline: PIPELINE, spec: "test/fixtures/diff/additive.yaml", base: "test/fixtures/diff/base.yaml", out, cwd: process.cwd() });
      const compare = r.files.find((f) => f.path.endsWith("shop.compare.png"));
      expect(compare).toBeDefined();
      const img = decodePng(readFileSync(join(out, "shop.compare.png")));
      expect(img.width).toBe(2 * PAGE_WIDTH);
      // The added "Refunds" panel exists only on the right-hand side.
      const refunds = r.dashboards[0]?.panels.find((p) => p.title === "Refunds");
      if (!refunds) throw new Error("no Refunds panel");
      expect(inkShare(img, { ...refunds.rect, x: refunds.rect.x + PAGE_WIDTH })).toBeGreaterThan(0.02);
      expect(inkShare(img, refunds.rect)).toBeLessThan(0.01);
      expect(readFileSync(join(out, "shop.compare.html"), "utf8")).toContain("base: test/fixtures/diff/base.yaml");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("obsgen preview with --prometheus", () => {
  let prometheus: PrometheusServer | undefined;
  const end = 1_700_003_600;
  beforeAll(async () => {
    const samples = (rate: number) => Array.from({ length: 241 }, (_, i) => ({ t: end - 3600 + i * 15, v: i * rate }));
    prometheus = await PrometheusServer.start([
      { name: "order_total", labels: { instance: "a:8000", job: "shop", method: "card", status: "success" }, samples: samples(3) },
      { name: "order_total", labels: { instance: "a:8000", job: "shop", method: "card", status: "failure" }, samples: samples(1) },
      { name: "order_total", labels: { instance: "a:8000", job: "shop", method: "card", status: "retry" }, samples: samples(2) },
      { name: "carts_open", labels: { instance: "a:8000", job: "shop" }, samples: samples(0).map((s) => ({ ...s, v: 30 })) },
    ]);
  }, 120_000);
  afterAll(async () => prometheus?.stop());

  it("draws panels from query_range data of a real Prometheus", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-prom-"));
    try {
      const r = await runPreview({ pipeline: PIPELINE, spec: "test/fixtures/diff/base.yaml", out, cwd: process.cwd(), prometheus: prometheus?.url ?? "", end: end * 1000 });
      const img = decodePng(readFileSync(join(out, "shop.png")));
      const page = r.dashboards[0];
      for (const title of ["Order Rate", "Retries", "Open Carts"]) {
        const panel = page?.panels.find((p) => p.title === title);
        if (!panel) throw new Error(`no panel ${title}`);
        expect(inkShare(img, panel.rect), title).toBeGreaterThan(0.02);
      }
      expect(readFileSync(join(out, "shop.html"), "utf8")).toContain(">30<");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("obsgen preview against a young Prometheus (five minutes of data)", () => {
  let prometheus: PrometheusServer | undefined;
  const end = 1_700_003_600;
  beforeAll(async () => {
    // Operations have started but none has finished: the success rate is 0/0.
    const samples = Array.from({ length: 21 }, (_, i) => ({ t: end - 300 + i * 15, v: i * 2 }));
    prometheus = await PrometheusServer.start([
      { name: "git_operation_total", labels: { instance: "runtime:8000", job: "backend-api", operation: "clone", status: "started" }, samples },
      { name: "git_conflicts_detected_total", labels: { instance: "runtime:8000", job: "backend-api", operation: "push" }, samples },
    ]);
  }, 120_000);
  afterAll(async () => prometheus?.stop());

  it("says No data where a ratio has nothing to divide (not NaN%), and spans the dashboard's six hours on the x-axis", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-young-"));
    try {
      await runPreview({ pipeline: PIPELINE, spec: "metrics-spec", out, cwd: process.cwd(), prometheus: prometheus?.url ?? "", end: end * 1000 });
      const html = readFileSync(join(out, "git-operations-e2b.html"), "utf8");
      expect(html).not.toContain("NaN");
      expect(html).not.toContain("SYNTHETIC DATA");
      const gauge = html.slice(html.indexOf(">Operation Success Rate<"), html.indexOf(">P95 Latency by Operation<"));
      expect(gauge).toContain(">No data<");
      const conflicts = html.slice(html.indexOf(">Conflicts Detected<"));
      const minutes = [...conflicts.matchAll(/>(\d\d):(\d\d)</g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      expect(Math.max(...minutes) - Math.min(...minutes)).toBeGreaterThanOrEqual(5 * 60);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("the obsgen preview command", () => {
  it("lists the files it wrote with their pixel sizes", async () => {
    const out = mkdtempSync(join(tmpdir(), "obsgen-preview-cli-"));
    try {
      let text = "";
      const code = await main(["preview", "--spec", "test/fixtures/diff/base.yaml", "--out", out], { out: (t) => (text += `${t}\n`), err: () => undefined, cwd: process.cwd() });
      expect(code).toBe(0);
      expect(text).toContain(`wrote ${join(out, "shop.png")} (1600×`);
      expect(panelRect({ x: 12, y: 1, w: 12, h: 8 })).toEqual({ x: 800, y: 78, w: 780, h: 232 });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
