// Checks that run on a resolved service once its metrics are known (dashboards, queries, alerts,
// the compose stack).
// Listed here explicitly so resolve() stays one pass over one list.
import type { Reporter } from "./reporter.js";
import type { Model, ServiceModel } from "./types.js";
import { checkDashboardStructure } from "./check-dashboards.js";
import { checkQueries } from "../promql/check.js";
import { checkAlerts } from "../alerts/lint.js";
import { checkStack } from "./check-stack.js";
import { checkRecordingRules } from "./check-recording-rules.js";
import { checkRemoteWrite } from "./check-remote-write.js";
import { checkOncall } from "../oncall/check.js";

export type ServiceCheck = (service: ServiceModel, report: Reporter, model: Model) => void;

export const serviceChecks: readonly ServiceCheck[] = [checkDashboardStructure, checkQueries, checkAlerts, checkStack, checkRecordingRules, checkRemoteWrite, checkOncall];
