// The runtime's pure parts: branch and URL validation (branch names checked against git's own
// check-ref-format), redaction, error classification, cost accrual and the sandbox cache.
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../generated/metrics.ts";
import { CostMeter, costRateFromEnv } from "../src/runtime/cost.ts";
import { classifyGitOutput } from "../src/runtime/git/classify.ts";
import { branchProblem, repoUrlProblem } from "../src/runtime/git/input.ts";
import { Redactor, splitCredentials } from "../src/runtime/git/redact.ts";
import { SandboxCache } from "../src/runtime/sandbox/cache.ts";
import { createLocalProvider } from "../src/runtime/sandbox/local.ts";

/** The value a /metrics text gives `series` (name and labels, exactly as printed). */
function scraped(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function gitAccepts(branch: string): boolean {
  try {
    execFileSync("git", ["check-ref-format", "--branch", branch], { stdio: "ignore", env: { PATH: process.env["PATH"], GIT_CONFIG_NOSYSTEM: "1" } });
    return true;
  } catch {
    return false;
  }
}

describe("branch names", () => {
  it.each(["main", "feature/x-1", "release/2024.05", "a.b/c_d", "UPPER", "x@y"])("accepts %s", (name) => {
    expect(branchProblem(name)).toBeUndefined();
    expect(gitAccepts(name)).toBe(true);
  });

  it.each(["-c", "--upload-pack=x", "a..b", "x.lock", "a/.hidden", "a//b", "end/", "end.", "sp ace", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "@", "a@{1}", ""])(
    "rejects %j",
    (name) => {
      expect(branchProblem(name)).toBeDefined();
    },
  );

  it("never accepts a name git's check-ref-format --branch rejects", () => {
    const chars = fc.constantFrom(..."ab-._/@{}~^:?*[\\ .lock".split(""));
    fc.assert(
      fc.property(fc.array(chars, { minLength: 1, maxLength: 8 }).map((cs) => cs.join("")), (name) => {
        if (branchProblem(name) === undefined) expect(gitAccepts(name), name).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("repository URLs", () => {
  it.each(["https://github.com/user/repo.git", "ssh://git@github.com/user/repo.git", "git@github.com:user/repo.git", "git://example.com/r.git"])(
    "accepts %s",
    (url) => expect(repoUrlProblem(url, {})).toBeUndefined(),
  );

  it.each([
    "--upload-pack=touch /tmp/x",
    "-c",
    "ext::sh -c touch% /tmp/pwned",
    "fd::17",
    "file:///etc/passwd",
    "/srv/repos/r.git",
    "http://example.com/r.git",
    "https://example.com/r.git?x=1",
    "https://example.com/r .git",
  ])("rejects %s unless local remotes are allowed for tests", (url) => {
    expect(repoUrlProblem(url, {})).toBeDefined();
  });

  it("accepts local paths, file:// and http:// only with allowLocalRemotes, and never an option", () => {
    expect(repoUrlProblem("/srv/r.git", { allowLocalRemotes: true })).toBeUndefined();
    expect(repoUrlProblem("file:///srv/r.git", { allowLocalRemotes: true })).toBeUndefined();
    expect(repoUrlProblem("http://127.0.0.1:9/r.git", { allowLocalRemotes: true })).toBeUndefined();
    expect(repoUrlProblem("--upload-pack=x", { allowLocalRemotes: true })).toBeDefined();
    expect(repoUrlProblem("ext::sh", { allowLocalRemotes: true })).toBeDefined();
  });
});

describe("redaction", () => {
  it("removes URL userinfo, token shapes and registered secrets", () => {
    const r = new Redactor(["hunter2-secret"]);
    const text = "fatal: unable to access 'https://bob:hunter2-secret@host/r.git/': token ghp_abcdefghijklmnopqrstuvwxyz012345 Bearer abc.def";
    const out = r.text(text);
    expect(out).not.toContain("hunter2-secret");
    expect(out).not.toContain("bob:");
    expect(out).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz012345");
    expect(out).not.toContain("abc.def");
    expect(out).toContain("https://***@host/r.git/");
  });

  it("splits credentials out of an https URL", () => {
    expect(splitCredentials("https://bob:p%40ss@host/r.git")).toEqual({ url: "https://host/r.git", credentials: { username: "bob", password: "p@ss" } });
    expect(splitCredentials("git@host:r.git")).toEqual({ url: "git@host:r.git" });
  });

  it("removes a secret from any string inside a value", () => {
    const r = new Redactor(["s3cr3t!"]);
    expect(r.value({ a: ["x s3cr3t! y"], b: { c: "s3cr3t!" }, n: 1 })).toEqual({ a: ["x *** y"], b: { c: "***" }, n: 1 });
  });
});

describe("error classification from git's stderr", () => {
  it.each([
    ["fatal: Authentication failed for 'http://127.0.0.1/r.git/'", "auth"],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", "auth"],
    ["git@github.com: Permission denied (publickey).", "auth"],
    ["fatal: unable to access 'http://127.0.0.1:1/x.git/': Failed to connect to 127.0.0.1 port 1: Connection refused", "network"],
    ["fatal: unable to access 'https://nope.invalid/': Could not resolve host: nope.invalid", "network"],
    ["CONFLICT (content): Merge conflict in a.txt", "conflict"],
    [" ! [rejected]        HEAD -> main (fetch first)", "conflict"],
    ["fatal: unable to access 'https://h/': Operation timed out after 3000 milliseconds", "timeout"],
    ["fatal: not a git repository", "other"],
  ])("classifies %j as %s", (stderr, type) => {
    expect(classifyGitOutput(stderr)).toBe(type);
  });
});

describe("cost", () => {
  it("accrues sandbox-hours while sandboxes live and estimates hourly, daily and monthly cost", () => {
    const metrics = createMetrics();
    let now = 0;
    const cost = new CostMeter({ metrics, ratePerSandboxHour: 0.015, now: () => now });
    cost.track("a", "default");
    cost.track("b", "some-team");
    expect(metrics.estimatedCostDollars.valueFor({ period: "monthly" })).toBeCloseTo(2 * 0.015 * 730, 12);
    now = 1_800_000;
    cost.tick();
    expect(metrics.sandboxHoursTotal.valueFor({ project: "default" })).toBeCloseTo(0.5, 12);
    // An unknown project is booked to the spec's fallback value.
    expect(metrics.sandboxHoursTotal.valueFor({ project: "other" })).toBeCloseTo(0.5, 12);
    now = 3_600_000;
    cost.untrack("a");
    expect(metrics.sandboxHoursTotal.valueFor({ project: "default" })).toBeCloseTo(1, 12);
    expect(metrics.estimatedCostDollars.valueFor({ period: "hourly" })).toBeCloseTo(0.015, 12);
    expect(metrics.estimatedCostDollars.valueFor({ period: "daily" })).toBeCloseTo(0.36, 12);
  });

  it("shows in each scrape the sandbox-hours accrued up to that scrape and the estimate of the sandboxes alive then", async () => {
    const metrics = createMetrics();
    let now = 0;
    const cost = new CostMeter({ metrics, ratePerSandboxHour: 0.015, now: () => now });
    cost.track("a", "default");
    now = 1_800_000;
    let text = await metrics.registry.metrics();
    expect(scraped(text, 'sandbox_hours_total{project="default"}')).toBeCloseTo(0.5, 12);
    expect(scraped(text, 'estimated_cost_dollars{period="hourly"}')).toBeCloseTo(0.015, 12);
    now = 3_600_000;
    cost.track("b", "some-team");
    text = await metrics.registry.metrics();
    expect(scraped(text, 'sandbox_hours_total{project="default"}')).toBeCloseTo(1, 12);
    expect(scraped(text, 'estimated_cost_dollars{period="daily"}')).toBeCloseTo(2 * 0.015 * 24, 12);
    // A reset registry shows the estimate again at the next scrape, and the hours from then on.
    metrics.registry.resetMetrics();
    now = 5_400_000;
    text = await metrics.registry.metrics();
    expect(scraped(text, 'estimated_cost_dollars{period="monthly"}')).toBeCloseTo(2 * 0.015 * 730, 12);
    expect(scraped(text, 'sandbox_hours_total{project="default"}')).toBeCloseTo(0.5, 12);
    expect(scraped(text, 'sandbox_hours_total{project="other"}')).toBeCloseTo(0.5, 12);
  });

  it("takes the rate from SANDBOX_COST_PER_HOUR over the spec's and rejects nonsense", () => {
    expect(costRateFromEnv({}, 0.015)).toBe(0.015);
    expect(costRateFromEnv({ SANDBOX_COST_PER_HOUR: "0.1" }, 0.015)).toBe(0.1);
    expect(() => costRateFromEnv({ SANDBOX_COST_PER_HOUR: "cheap" }, 0.015)).toThrow(/SANDBOX_COST_PER_HOUR/);
  });
});

describe("the sandbox cache", () => {
  function setup(maxActive: number) {
    const metrics = createMetrics();
    let now = 0;
    const cost = new CostMeter({ metrics, ratePerSandboxHour: 0.015, now: () => now });
    const provider = createLocalProvider();
    const cache = new SandboxCache({ provider, metrics, cost, ttlMs: 60_000, maxActive, now: () => now });
    const ids = (agent: string) => cache.withSandbox({ agentId: agent, taskId: "t", repoUrl: "https://h/r.git" }, async (s) => s);
    return { metrics, cache, provider, ids, advance: (ms: number) => (now += ms) };
  }

  it("reuses a live sandbox per agent, task and repository, and counts hits and misses", async () => {
    const { metrics, cache, ids } = setup(5);
    const first = await ids("a");
    expect(await ids("a")).toBe(first);
    expect(await ids("b")).not.toBe(first);
    expect(metrics.sandboxCacheHitsTotal.valueFor({})).toBe(1);
    expect(metrics.sandboxCacheMissesTotal.valueFor({})).toBe(2);
    expect(metrics.sandboxCreationSeconds.countOf({})).toBe(2);
    expect(metrics.activeSandboxesTotal.valueFor({})).toBe(2);
    await cache.close();
    expect(metrics.activeSandboxesTotal.valueFor({})).toBe(0);
  });

  it("evicts the least recently used sandbox, killing it, when the maximum is reached", async () => {
    const { metrics, cache, ids, advance } = setup(2);
    const a = await ids("a");
    advance(10);
    const b = await ids("b");
    advance(10);
    await ids("a");
    advance(10);
    await ids("c");
    expect(await b.isAlive()).toBe(false);
    expect(await a.isAlive()).toBe(true);
    expect(metrics.activeSandboxesTotal.valueFor({})).toBe(2);
    await cache.close();
  });

  it("shows in each scrape the sandboxes alive then, also once none is left and after a reset", async () => {
    const { metrics, cache, ids, advance } = setup(5);
    const a = await ids("a");
    expect(scraped(await metrics.registry.metrics(), "active_sandboxes_total")).toBe(1);
    advance(60_000);
    // The scrape itself expires the sandbox idle past its TTL.
    expect(scraped(await metrics.registry.metrics(), "active_sandboxes_total")).toBe(0);
    expect(await a.isAlive()).toBe(false);
    // Set wrongly behind the cache's back: the next scrape, with no sandbox cached, corrects it.
    metrics.activeSandboxesTotal.set({}, 7);
    expect(scraped(await metrics.registry.metrics(), "active_sandboxes_total")).toBe(0);
    await ids("b");
    metrics.registry.resetMetrics();
    expect(scraped(await metrics.registry.metrics(), "active_sandboxes_total")).toBe(1);
    await cache.close();
  });

  it("probes every cached sandbox at once before a scrape, not one after another, and evicts the dead one", async () => {
    const { metrics, cache, ids } = setup(5);
    const sandboxes = await Promise.all(["a", "b", "c", "d"].map((agent) => ids(agent)));
    let inFlight = 0;
    let most = 0;
    for (const s of sandboxes) {
      const probe = s.isAlive.bind(s);
      // An E2B probe is a network round trip: this one yields to the event loop a few times first.
      s.isAlive = async () => {
        most = Math.max(most, ++inFlight);
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        inFlight--;
        return probe();
      };
    }
    await sandboxes[2]?.kill(); // killed behind the cache's back
    expect(scraped(await metrics.registry.metrics(), "active_sandboxes_total")).toBe(3);
    expect(most).toBe(4);
    await cache.close();
  });

  it("kills a sandbox idle past its TTL and keeps the gauge equal to what is alive", async () => {
    const { metrics, cache, ids, advance } = setup(5);
    const a = await ids("a");
    const b = await ids("b");
    await b.kill(); // killed behind the cache's back
    await metrics.registry.metrics();
    expect(metrics.activeSandboxesTotal.valueFor({})).toBe(1);
    advance(60_000);
    await cache.sweep();
    expect(await a.isAlive()).toBe(false);
    expect(metrics.activeSandboxesTotal.valueFor({})).toBe(0);
    expect(await ids("a")).not.toBe(a);
    await cache.close();
  });
});
