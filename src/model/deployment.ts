// Resolves what every service shares, once, by explicit merge rules. A setting one spec declares
// and another declares differently is an error at the later file that names the earlier one by
// file:line:column: nothing shared is ever taken from "the first service".
//
// Merge rules:
// - global scrape_interval and evaluation_interval: the schema's default (15s), never a service's;
//   every scrape job states its own interval, and every rule group whose interval differs states it.
// - alertmanagers, keepLabels: the union, sorted.
// - externalLabels: the union; one label with two values is an error.
// - remoteWrite: every service's endpoints, in service order.
// - receivers, slackChannel: declared by one spec, or equally by several; otherwise an error.
// - stack: declared by at most one spec; its Prometheus keeps that spec's scrape.retention(Size).
// - Grafana's timeInterval: the longest scrape interval, so $__rate_interval covers every service.
// - primary (the generated module's createMetrics): `primary: true`, else the stack's spec, else
//   the first spec file by name with a warning (resolvePrimary).
import { isDeepStrictEqual } from "node:util";
import { parseDuration } from "../promql/duration.js";
import type { Reporter } from "./reporter.js";
import { RULES, type RuleInfo } from "../conventions/rules.js";
import type { DeploymentModel, ServiceModel, StackDeploymentModel, StackModel } from "./types.js";

/** Prometheus' global intervals in the generated config: the spec's defaults for both. */
export const GLOBAL_INTERVAL = "15s";

export interface DeclaredService {
  service: ServiceModel;
  report: Reporter;
  /** Whether the spec set `primary: true`. */
  primary: boolean;
  /** The stack, when this spec declares it. */
  stack?: StackModel;
}

type Path = readonly (string | number)[];

function where(d: DeclaredService, path: Path, key = false): string {
  const pos = d.report.source.locate(path, { key });
  return `${d.report.source.file}:${pos.line}:${pos.column}`;
}

/**
 * One value that at most one spec may set, or several equally. Services come in file order, so
 * the error is reported at the later file and names the earlier one.
 */
function agreed<T>(declared: readonly DeclaredService[], pick: (d: DeclaredService) => T | undefined, path: Path, rule: RuleInfo, what: string): T | undefined {
  let owner: DeclaredService | undefined;
  let value: T | undefined;
  for (const d of declared) {
    const mine = pick(d);
    if (mine === undefined) continue;
    if (owner === undefined) {
      owner = d;
      value = mine;
    } else if (!isDeepStrictEqual(mine, value)) {
      d.report.error(rule, path, `${what} differs from the one of service "${owner.service.name}" at ${where(owner, path)}; the services share it`, {
        hint: "declare it in one spec file only, or the same in each",
      });
    }
  }
  return value;
}

function byFile(services: readonly DeclaredService[]): DeclaredService[] {
  return [...services].sort((a, b) => (a.report.source.file < b.report.source.file ? -1 : a.report.source.file > b.report.source.file ? 1 : 0));
}

export function resolveDeployment(services: readonly DeclaredService[]): DeploymentModel {
  const inFileOrder = byFile(services);
  const byName = [...services].sort((a, b) => a.service.name.localeCompare(b.service.name));
  const externalLabels: Record<string, string> = {};
  const labelOwner = new Map<string, DeclaredService>();
  for (const d of inFileOrder) {
    for (const [name, value] of Object.entries(d.service.scrape.externalLabels ?? {})) {
      const owner = labelOwner.get(name);
      const path = ["scrape", "externalLabels", name];
      if (owner !== undefined && externalLabels[name] !== value) {
        d.report.error(RULES.deploymentConflict, path, `external label "${name}" is "${value}" here but "${externalLabels[name] ?? ""}" for service "${owner.service.name}" at ${where(owner, path)}; the services share one Prometheus`, {
          hint: "give the label one value in every spec, or declare it in one spec only",
        });
        continue;
      }
      labelOwner.set(name, d);
      externalLabels[name] = value;
    }
  }
  const stackOwner = inFileOrder.find((d) => d.stack !== undefined);
  for (const d of inFileOrder) {
    if (d.stack === undefined || d === stackOwner || stackOwner === undefined) continue;
    d.report.error(RULES.stackDuplicate, ["stack"], `the stack is already declared for service "${stackOwner.service.name}" at ${where(stackOwner, ["stack"], true)}`, {
      key: true,
      hint: "declare it in one spec file; it scrapes every service's targets",
    });
  }
  const receivers = agreed(inFileOrder, (d) => d.service.alerting.receivers, ["alerting", "receivers"], RULES.alertingConfig, "alerting.receivers");
  const slackChannel = agreed(inFileOrder, (d) => d.service.alerting.slackChannel, ["alerting", "slackChannel"], RULES.deploymentConflict, "alerting.slackChannel");
  const primary = resolvePrimary(inFileOrder);
  const longest = services.map((d) => d.service.scrape.interval).reduce<string | undefined>((a, b) => (a === undefined || (parseDuration(b) ?? 0) > (parseDuration(a) ?? 0) ? b : a), undefined);
  return {
    scrapeInterval: GLOBAL_INTERVAL,
    evaluationInterval: GLOBAL_INTERVAL,
    alertmanagers: [...new Set(services.flatMap((d) => d.service.alerting.alertmanagers))].sort(),
    externalLabels: Object.fromEntries(Object.entries(externalLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    remoteWrite: byName.flatMap((d) => d.service.scrape.remoteWrite),
    ...(receivers !== undefined ? { receivers } : {}),
    ...(slackChannel !== undefined ? { slackChannel } : {}),
    keepLabels: [...new Set(services.flatMap((d) => d.service.alerting.keepLabels))].sort(),
    grafanaTimeInterval: longest ?? GLOBAL_INTERVAL,
    ...(stackOwner?.stack !== undefined ? { stack: stackOf(stackOwner.stack, stackOwner.service) } : {}),
    ...(primary !== undefined ? { primary } : {}),
  };
}

function stackOf(stack: StackModel, owner: ServiceModel): StackDeploymentModel {
  const { retention, retentionSize } = owner.scrape;
  return { ...stack, owner: owner.name, retention, ...(retentionSize !== undefined ? { retentionSize } : {}) };
}

/**
 * The service the generated module's `createMetrics()` names. One service: that one. Several: the
 * one whose spec says `primary: true` (two that say so are an error); else the one whose spec
 * declares the stack (its app is the service that embeds the module); else the service of the
 * first spec file by name, with a warning that asks to pin it. So a project that gains a second
 * spec keeps its entry point, and is told how to keep it whatever the new file is called.
 */
function resolvePrimary(inFileOrder: readonly DeclaredService[]): string | undefined {
  const [first, ...more] = inFileOrder;
  if (first === undefined) return undefined;
  if (more.length === 0) return first.service.name;
  const declared = inFileOrder.filter((d) => d.primary);
  const [chosen, ...others] = declared;
  for (const d of others) {
    if (chosen === undefined) break;
    d.report.error(RULES.deploymentConflict, ["primary"], `service "${chosen.service.name}" at ${where(chosen, ["primary"], true)} is primary already`, {
      key: true,
      hint: "createMetrics() names one service: set primary: true in one spec file only",
    });
  }
  if (chosen !== undefined) return chosen.service.name;
  const stackOwner = inFileOrder.find((d) => d.stack !== undefined);
  if (stackOwner !== undefined) return stackOwner.service.name;
  first.report.warning(RULES.deploymentConflict, ["service"], `several services and none is primary: createMetrics() is create…Metrics() of "${first.service.name}", the first spec file by name`, {
    hint: "set primary: true in the spec whose service createMetrics() should name, so adding a spec file never moves it",
  });
  return first.service.name;
}
