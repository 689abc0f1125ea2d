// The Prometheus generator: rule file (recording + alerting groups), its promtool unit tests and
// the scrape config.
import type { Model } from "../../model/types.js";
import type { Artifact } from "../artifact.js";
import { CONFIG_PATH, ruleTestsPathFor, RULES_FILE, RULES_PATH } from "./names.js";
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
  // promtool runs a file at one evaluation_interval: each service's tests go to the file of its own.
  const byInterval = new Map<string, PromtoolTestFile["tests"]>();
  for (const service of model.services) {
    const tests = ruleTestGroups(service, model);
    if (tests.length > 0) byInterval.set(service.testInterval, [...(byInterval.get(service.testInterval) ?? []), ...tests]);
  }
  for (const [interval, tests] of byInterval) {
    const file: PromtoolTestFile = { rule_files: [RULES_FILE], evaluation_interval: interval, tests };
    artifacts.push({ path: ruleTestsPathFor(interval, model.deployment.evaluationInterval), content: yamlArtifactText(model, [file]) });
  }
  return artifacts;
}
