// The part of Grafana's dashboard JSON a preview draws, read with zod so a malformed file fails
// with a clear message instead of a blank picture.
import { z } from "zod";

const gridPos = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });

const thresholdStep = z.object({ value: z.number().nullable().optional(), color: z.string() });

const panel = z.object({
  id: z.number().optional(),
  type: z.string(),
  title: z.string().default(""),
  gridPos,
  /** Grafana's relative time override (now/d, now-24h): the panel's own range. */
  timeFrom: z.string().optional(),
  fieldConfig: z
    .object({
      defaults: z
        .object({
          unit: z.string().optional(),
          min: z.number().optional(),
          max: z.number().optional(),
          thresholds: z.object({ steps: z.array(thresholdStep).default([]) }).optional(),
          custom: z
            .object({
              stacking: z.object({ mode: z.string().optional() }).optional(),
              lineWidth: z.number().optional(),
              fillOpacity: z.number().optional(),
              thresholdsStyle: z.object({ mode: z.string().optional() }).optional(),
            })
            .passthrough()
            .optional(),
        })
        .passthrough()
        .default({}),
    })
    .passthrough()
    .default({ defaults: {} }),
  targets: z
    .array(z.object({ expr: z.string().default(""), legendFormat: z.string().optional(), instant: z.boolean().optional(), format: z.string().optional() }).passthrough())
    .default([]),
  options: z
    .object({
      legend: z
        .object({
          values: z.array(z.string()).optional(),
          calcs: z.array(z.string()).optional(),
          placement: z.string().optional(),
          showLegend: z.boolean().optional(),
          displayMode: z.string().optional(),
          sortBy: z.string().optional(),
          sortDesc: z.boolean().optional(),
        })
        .passthrough()
        .optional(),
      displayLabels: z.array(z.string()).optional(),
      cellValues: z.object({ unit: z.string().optional() }).passthrough().optional(),
      pieType: z.string().optional(),
    })
    .passthrough()
    .default({}),
});

export const grafanaDashboard = z
  .object({
    uid: z.string(),
    title: z.string(),
    time: z.object({ from: z.string(), to: z.string() }).default({ from: "now-6h", to: "now" }),
    panels: z.array(panel.passthrough()).default([]),
  })
  .passthrough();

export type GrafanaDashboard = z.infer<typeof grafanaDashboard>;
export type GrafanaPanel = z.infer<typeof panel>;
export type ThresholdStep = z.infer<typeof thresholdStep>;

export function readDashboard(json: string, file: string): GrafanaDashboard {
  const parsed = grafanaDashboard.safeParse(JSON.parse(json));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`${file} is not a Grafana dashboard: ${first ? `${first.path.join(".")}: ${first.message}` : "invalid"}`);
  }
  return parsed.data;
}
