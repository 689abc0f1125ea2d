// The Prometheus generator: rule file (recording + alerting groups), its promtool unit tests and
// the scrape config.
import type { Model } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { CONFIG_PATH, RULE_TESTS_PATH, RULES_FILE, RULES_PATH } from "./names.js";
import { ruleGroups, type RuleGroup } from "./rules.js";
import { ruleTestGroups, type PromtoolTestFile } from "./rule-tests.js";
import { prometheusConfig } from "./scrape.js";
import { yamlArtifactText } from "./yaml-file.js";

export function allRuleGroups(model: Model): RuleGroup[] {
  return model.services.flatMap(ruleGroups);
}

export function generatePrometheus(model: Model): Artifact[] {
  const groups = allRuleGroups(model);
  const artifacts: Artifact[] = [{ path: CONFIG_PATH, content: yamlArtifactText(model, [prometheusConfig(model)]) }];
  if (groups.length === 0) return artifacts;
  artifacts.push({ path: RULES_PATH, content: yamlArtifactText(model, [{ groups }]) });
  const tests = model.services.flatMap((s) => ruleTestGroups(s, model));
  if (tests.length > 0) {
    const first = model.services[0];
    const file: PromtoolTestFile = {
      rule_files: [RULES_FILE],
      evaluation_interval: first?.spec.scrape.evaluationInterval ?? "15s",
      tests,
    };
    artifacts.push({ path: RULE_TESTS_PATH, content: yamlArtifactText(model, [file]) });
  }
  return artifacts;
}
