// The Go-template forms alert annotations and labels may use: the allowed ones are templates
// Prometheus accepts (checked with the real promtool), everything else is refused with its offset.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { templateProblem } from "../src/conventions/templates.js";
import { runTool, scratchCopy } from "./support/prometheus-tools.js";

const ALLOWED = [
  "No template at all: } { }} {",
  "{{ $value }}",
  "{{ $value | humanize }}",
  "{{$value|humanizePercentage}}",
  "{{- $labels.operation -}} failed",
  "{{ .Value | humanizeDuration }} on {{ .Labels.instance }}",
  "{{ $externalLabels.cluster | toUpper }} at {{ $externalURL }}",
  '{{ "{{" }} literal braces {{ "}}" }}',
  "{{ $value | humanize1024 | title }}",
];

const REFUSED: [string, number][] = [
  ['{{ query "up" }}', 0],
  ['Value {{ $value }} then {{ range query "up" }}{{ . }}{{ end }}', 24],
  ['{{ define "x" }}y{{ end }}', 0],
  ['{{ template "x" }}', 0],
  ["{{ $value | safeHtml }}", 0],
  ["{{/* a comment */}}", 0],
  ['{{ printf "%s" $value }}', 0],
  ["{{ $labels }}", 0],
  ["a {{ $value", 2],
  ['{{ index $labels "a" }}', 0],
  ["{{ $value | humanize | query }}", 0],
];

let scratch: { dir: string; dispose: () => void };
beforeAll(() => {
  scratch = scratchCopy(".", []);
});
afterAll(() => scratch.dispose());

describe("alert templates", () => {
  it.each(ALLOWED)("allows %j", (text) => {
    expect(templateProblem(text)).toBeUndefined();
  });

  it.each(REFUSED)("refuses %j at offset %i", (text, offset) => {
    expect(templateProblem(text)).toMatchObject({ offset });
  });

  it("allows only templates that promtool accepts in annotations and labels", () => {
    const rules = ALLOWED.map((text, i) => ({ alert: `A${i}`, expr: "vector(1)", labels: { l: text }, annotations: { summary: text } }));
    const file = join(scratch.dir, "rules.yml");
    writeFileSync(file, stringify({ groups: [{ name: "g", rules }] }));
    const r = runTool("promtool", ["check", "rules", file]);
    expect(r.status, r.output).toBe(0);
  });
});
