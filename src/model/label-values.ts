// Label values written as YAML numbers (status_code: [200, 500]) are accepted as their decimal
// text. Where that text is not what was written (007, 1.0, 0x1F, 1e3), the recorded value would
// silently differ from the spec's, so the value must be quoted.
import { isScalar } from "yaml";
import type { DocPath } from "../spec/source.js";
import type { Reporter } from "./reporter.js";
import { RULES } from "../conventions/rules.js";

export function checkNumericLabelValue(report: Reporter, path: DocPath, value: string): void {
  const node = report.source.nodeAt(path);
  if (!isScalar(node) || typeof node.value !== "number" || node.source === undefined || node.source === value) return;
  report.error(RULES.labelValue, path, `label value ${node.source} is read by YAML as the number ${value}, so it would be recorded as "${value}"`, {
    hint: `quote it to keep it as written: "${node.source}"`,
  });
}
