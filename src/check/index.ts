// The check stage: what a resolved model must satisfy before anything is generated (dashboards,
// queries, alerts, the stack, recording rules, remote_write, on-call). Each check reads the model
// and reports at positions in the service's own spec file.
import { compareIssues, type Issue } from "../conventions/issue.js";
import { Reporter } from "../model/reporter.js";
import type { Model, ServiceModel } from "../model/types.js";
import { checkDashboardStructure } from "./dashboards.js";
import { checkQueries } from "./queries.js";
import { checkAlerts } from "./alerts.js";
import { checkStack } from "./stack.js";
import { checkRecordingRules } from "./recording-rules.js";
import { checkRemoteWrite } from "./remote-write.js";
import { checkOncall } from "./oncall.js";

export type ServiceCheck = (service: ServiceModel, report: Reporter, model: Model) => void;

/** Listed here explicitly so the stage is one pass over one list. */
export const serviceChecks: readonly ServiceCheck[] = [checkDashboardStructure, checkQueries, checkAlerts, checkStack, checkRecordingRules, checkRemoteWrite, checkOncall];

/** Every finding of every check on every service, sorted by position. */
export function checkModel(model: Model): Issue[] {
  const issues: Issue[] = [];
  for (const service of model.services) {
    const report = new Reporter(service.source);
    for (const check of serviceChecks) check(service, report, model);
    issues.push(...report.issues);
  }
  return issues.sort(compareIssues);
}
