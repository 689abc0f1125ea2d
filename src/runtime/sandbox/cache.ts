// Sandboxes cached by agent, task and repository: a live sandbox is reused until its TTL runs
// out. At most `maxActive` sandboxes exist at any moment — alive, being created or being killed —
// so the limit holds on disk and at the provider, not only in this map. A sandbox in use is never
// evicted: making room kills the least recently used idle one, and when every slot is busy a
// request waits up to `waitMs` for one and then fails with SandboxBusyError.
// The active-sandboxes gauge is set from the entries actually alive after every change and before
// every scrape, so it never drifts from reality.
import type { Metrics } from "../../../generated/metrics.ts";
import type { CostMeter } from "../cost.ts";
import { DEFAULT_PROJECT, type Project } from "../project.ts";
import type { Sandbox, SandboxProvider } from "./provider.ts";

export interface SandboxKey {
  agentId: string;
  taskId: string;
  repoUrl: string;
}

export interface SandboxCacheOptions {
  provider: SandboxProvider;
  metrics: Metrics;
  cost: CostMeter;
  /** A sandbox unused for this long is killed. */
  ttlMs: number;
  maxActive: number;
  /** How long a request waits for a slot when every sandbox is busy (SANDBOX_WAIT_SECONDS). */
  waitMs?: number;
  project?: Project;
  now?: () => number;
}

/** Every sandbox slot stayed busy for the whole wait: the caller should come back later. */
export class SandboxBusyError extends Error {
  constructor(
    readonly maxActive: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`all ${maxActive} sandboxes are busy (MAX_ACTIVE_SANDBOXES); retry in ${retryAfterSeconds} s`);
    this.name = "SandboxBusyError";
  }
}

interface Entry {
  key: string;
  sandbox: Sandbox;
  lastUsed: number;
  /** Requests holding this sandbox (running or queued on it); a held sandbox is never evicted. */
  busy: number;
  /** Operations on one sandbox run one after another (git's index lock, one work tree). */
  queue: Promise<unknown>;
}

interface Pending {
  /** Requests for the same key that arrived while it was being created; they hold it too. */
  joiners: { count: number };
  promise: Promise<Entry>;
}

const DEFAULT_WAIT_MS = 30_000;

export class SandboxCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending>();
  /** Sandboxes removed from the cache whose kill has not finished: they still occupy a slot. */
  private killing = 0;
  private readonly waiters = new Set<() => void>();
  private readonly now: () => number;
  private readonly waitMs: number;
  private closed = false;

  constructor(private readonly opts: SandboxCacheOptions) {
    if (!(opts.maxActive >= 1)) throw new RangeError(`maxActive must be at least 1, got ${opts.maxActive}`);
    this.now = opts.now ?? (() => performance.now());
    this.waitMs = opts.waitMs ?? DEFAULT_WAIT_MS;
    opts.metrics.activeSandboxesTotal.collect = () => this.beforeScrape();
    this.publish();
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `fn` with the sandbox of `key` (a cached live one, or a new one), after any operation
   * already running in that sandbox. Throws SandboxBusyError when no slot frees up in time.
   */
  async withSandbox<T>(key: SandboxKey, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
    const entry = await this.acquire(key);
    const run = entry.queue.then(() => fn(entry.sandbox));
    entry.queue = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      entry.busy--;
      entry.lastUsed = this.now();
      if (entry.busy === 0) this.wake();
    }
  }

  /** Kills expired and dead sandboxes, accrues sandbox-hours and republishes the gauges; runs on a timer. */
  async sweep(): Promise<void> {
    await this.expire();
    this.opts.cost.tick();
  }

  /**
   * Before a scrape: the gauge from the sandboxes alive at this moment. With none cached there is
   * nothing to probe or expire, and the scrape awaits nothing; sandbox-hours and the estimate are
   * the cost meter's own collects.
   */
  private beforeScrape(): void | Promise<void> {
    if (this.entries.size === 0) return this.publish();
    return this.expire();
  }

  /**
   * Kills the expired and the dead sandboxes, then republishes the gauge. The liveness probes run
   * at once: an E2B probe may take its whole 5 s timeout, and a scrape waits for this, so probing
   * one sandbox after another would make a scrape of n sandboxes take up to n × 5 s.
   */
  private async expire(): Promise<void> {
    const now = this.now();
    const verdicts = [...this.entries.values()].map(async (entry) => {
      const expired = entry.busy === 0 && now - entry.lastUsed >= this.opts.ttlMs;
      return expired || !(await entry.sandbox.isAlive()) ? [entry] : [];
    });
    const doomed = (await Promise.all(verdicts)).flat();
    await Promise.all(doomed.map((e) => this.evict(e)));
    this.publish();
  }

  /** Kills every cached sandbox; the cache refuses new work afterwards, waiting requests included. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.allSettled([...this.pending.values()].map((p) => p.promise));
    await Promise.all([...this.entries.values()].map((e) => this.evict(e)));
    this.publish();
  }

  /** The entry of `key`, held for the caller (busy already counted). */
  private async acquire(key: SandboxKey): Promise<Entry> {
    const k = JSON.stringify([key.agentId, key.taskId, key.repoUrl]);
    const deadline = performance.now() + this.waitMs;
    for (;;) {
      if (this.closed) throw new Error("the sandbox cache is closed");
      const cached = this.entries.get(k);
      if (cached) {
        // Held before the liveness check, so nobody evicts it while we look.
        const sharedWithOthers = cached.busy > 0;
        cached.busy++;
        const fresh = sharedWithOthers || this.now() - cached.lastUsed < this.opts.ttlMs;
        if (fresh && (await cached.sandbox.isAlive())) {
          this.opts.metrics.sandboxCacheHitsTotal.labels().inc();
          cached.lastUsed = this.now();
          return cached;
        }
        cached.busy--;
        await this.evict(cached);
        continue;
      }
      const inFlight = this.pending.get(k);
      if (inFlight) {
        // Another request is creating this very sandbox: it is a hit once it exists.
        inFlight.joiners.count++;
        const entry = await inFlight.promise;
        this.opts.metrics.sandboxCacheHitsTotal.labels().inc();
        return entry;
      }
      const slot = this.claimSlot();
      if (slot) {
        this.opts.metrics.sandboxCacheMissesTotal.labels().inc();
        const joiners = { count: 0 };
        const promise = this.create(k, key, slot.victim, joiners);
        this.pending.set(k, { joiners, promise });
        try {
          return await promise;
        } finally {
          this.pending.delete(k);
          this.wake();
        }
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0 || !(await this.changed(remaining))) {
        throw new SandboxBusyError(this.opts.maxActive, Math.max(1, Math.ceil(this.waitMs / 1000)));
      }
    }
  }

  /**
   * Takes a slot for a new sandbox, synchronously so that two requests never take the same one:
   * a free slot, or the slot of the least recently used idle sandbox (removed here, killed by the
   * caller before it creates its own). Undefined when every slot is busy.
   */
  private claimSlot(): { victim?: Entry } | undefined {
    if (this.entries.size + this.pending.size + this.killing < this.opts.maxActive) return {};
    let victim: Entry | undefined;
    for (const e of this.entries.values()) if (e.busy === 0 && (!victim || e.lastUsed < victim.lastUsed)) victim = e;
    if (!victim) return undefined;
    this.entries.delete(victim.key);
    this.opts.cost.untrack(victim.sandbox.id);
    this.publish();
    return { victim };
  }

  private async create(k: string, key: SandboxKey, victim: Entry | undefined, joiners: { count: number }): Promise<Entry> {
    if (victim) await victim.sandbox.kill();
    const start = process.hrtime.bigint();
    const sandbox = await this.opts.provider.create({
      metadata: { agent: key.agentId, task: key.taskId, repository: key.repoUrl },
    });
    this.opts.metrics.sandboxCreationSeconds.labels().observeSince(start);
    if (this.closed) {
      await sandbox.kill();
      throw new Error("the sandbox cache is closed");
    }
    const entry: Entry = { key: k, sandbox, lastUsed: this.now(), busy: 1 + joiners.count, queue: Promise.resolve() };
    this.entries.set(k, entry);
    this.opts.cost.track(sandbox.id, this.opts.project ?? DEFAULT_PROJECT);
    this.publish();
    return entry;
  }

  /** Resolves true when a slot may have freed up, false when `ms` passed first. */
  private changed(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, ms);
      this.waiters.add(wake);
    });
  }

  private wake(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private async evict(entry: Entry): Promise<void> {
    if (this.entries.get(entry.key) !== entry) {
      await entry.sandbox.kill();
      return;
    }
    this.entries.delete(entry.key);
    this.killing++;
    this.opts.cost.untrack(entry.sandbox.id);
    this.publish();
    try {
      await entry.sandbox.kill();
    } finally {
      this.killing--;
      this.wake();
    }
  }

  private publish(): void {
    this.opts.metrics.activeSandboxesTotal.labels().set(this.entries.size);
  }
}
