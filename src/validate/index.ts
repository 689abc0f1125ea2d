// `obsgen validate`: the generated Prometheus and Alertmanager files, checked by the real tools.
// Every check runs and reports; a missing tool is an error with install instructions, never a skip.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { ALERTMANAGER_CONFIG_PATH } from "../generators/alertmanager/index.js";
import { CONFIG_PATH, PROMETHEUS_DIR, RULE_TESTS_FILE, RULE_TESTS_NAME, RULE_TESTS_PATH, RULES_PATH } from "../generators/prometheus/names.js";

/** How to install promtool and amtool: the package-manager commands a user runs, not this repository's scripts. */
export const TOOLS_INSTALL =
  "install Prometheus and Alertmanager, which ship them: `sudo apt-get install prometheus prometheus-alertmanager` (Debian, Ubuntu), " +
  "`brew install prometheus alertmanager` (macOS), or the release archives from https://prometheus.io/download/";
export const INSTALL_HINT = `${TOOLS_INSTALL}; \`npx obsgen doctor\` shows whatever else is missing`;

export interface ToolCheck {
  /** What the check proves, as the report shows it. */
  title: string;
  tool: string;
  args: string[];
  /** The generated file the check reads, relative to the output directory. */
  file: string;
}

export interface CheckResult {
  check: ToolCheck;
  ok: boolean;
  /** The spec generates no such file (a spec without alerts has no rules to check). */
  skipped?: true;
  /** The command line as a user would type it. */
  command: string;
  output: string;
}

/** Rule-test files of services evaluated at another interval than the global one (alert_rules.60s.test.yml). */
function otherRuleTestFiles(outDir: string): string[] {
  const dir = join(outDir, PROMETHEUS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => RULE_TESTS_NAME.test(name) && name !== RULE_TESTS_FILE).sort().map((name) => `${PROMETHEUS_DIR}/${name}`);
}

export function validationChecks(outDir: string): ToolCheck[] {
  const at = (p: string): string => join(outDir, p);
  return [
    { title: "rule files are valid", tool: "promtool", args: ["check", "rules", at(RULES_PATH)], file: RULES_PATH },
    { title: "scrape config is valid", tool: "promtool", args: ["check", "config", at(CONFIG_PATH)], file: CONFIG_PATH },
    { title: "alert unit tests pass", tool: "promtool", args: ["test", "rules", at(RULE_TESTS_PATH)], file: RULE_TESTS_PATH },
    ...otherRuleTestFiles(outDir).map((file) => ({ title: "alert unit tests pass", tool: "promtool", args: ["test", "rules", at(file)], file })),
    { title: "Alertmanager config is valid", tool: "amtool", args: ["check-config", at(ALERTMANAGER_CONFIG_PATH)], file: ALERTMANAGER_CONFIG_PATH },
  ];
}

/** Looks a tool up on PATH the way a shell does. */
export function findTool(tool: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory; keep looking
    }
  }
  return undefined;
}

export function missingTools(checks: readonly ToolCheck[], path?: string): string[] {
  return [...new Set(checks.map((c) => c.tool))].filter((t) => findTool(t, path) === undefined).sort();
}

/**
 * Runs one check. `generated` lists the files the spec generates: a check of a file the spec does
 * not produce is skipped, while a file it should produce but is missing fails.
 */
export function runCheck(check: ToolCheck, outDir: string, generated?: ReadonlySet<string>): CheckResult {
  const command = [check.tool, ...check.args].join(" ");
  if (!existsSync(join(outDir, check.file))) {
    if (generated !== undefined && !generated.has(check.file)) return { check, ok: true, skipped: true, command, output: `the spec generates no ${check.file} (it declares no alerts)` };
    return { check, ok: false, command, output: `${join(outDir, check.file)} does not exist; run \`npx obsgen generate\`` };
  }
  const r = spawnSync(check.tool, check.args, { encoding: "utf8", timeout: 120_000 });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}`.trim();
  return { check, ok: r.status === 0 && r.error === undefined, command, output };
}

export function runValidation(outDir: string, generated?: ReadonlySet<string>): CheckResult[] {
  return validationChecks(outDir).map((c) => runCheck(c, outDir, generated));
}
