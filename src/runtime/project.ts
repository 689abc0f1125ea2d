// Which project a runtime process books its sandbox-hours to. The team's projects are the values
// the spec enumerates for sandbox_hours_total's `project` label (the generated module carries
// them); a process names its own with RUNTIME_PROJECT. A name the spec does not declare is refused
// at start-up: the module would silently book it to the label's fallback (`other`), and the spend
// by project on the triage dashboard would then hide which project spent it.
import { gitOperationsLabelValues } from "../../generated/metrics.ts";

export const PROJECTS = gitOperationsLabelValues.sandbox_hours_total.project;
export type Project = (typeof PROJECTS)[number];

/** The project of a process that names none. */
export const DEFAULT_PROJECT: Project = "default";

export function isProject(value: string): value is Project {
  return (PROJECTS as readonly string[]).includes(value);
}

/** RUNTIME_PROJECT when set, else `default`; throws naming the declared projects when it is not one of them. */
export function projectFromEnv(env: Readonly<Record<string, string | undefined>>): Project {
  const raw = env["RUNTIME_PROJECT"];
  if (raw === undefined || raw === "") return DEFAULT_PROJECT;
  if (isProject(raw)) return raw;
  throw new RangeError(
    `RUNTIME_PROJECT ${JSON.stringify(raw)} is not a declared project; use one of ${PROJECTS.join(", ")}, ` +
      "or add it to the values of sandbox_hours_total's project label in the metrics spec and regenerate",
  );
}
