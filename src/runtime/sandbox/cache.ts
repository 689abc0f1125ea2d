// Sandboxes cached by agent, task and repository: a live sandbox is reused until its TTL runs
// out; at most `maxActive` are alive, and making room evicts (kills) the least recently used.
// The active-sandboxes gauge is set from the entries actually alive after every change and before
// every scrape, so it never drifts from reality.
import type { Metrics } from "../../../generated/metrics.ts";
import type { CostMeter } from "../cost.ts";
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
  project?: string;
  now?: () => number;
}

interface Entry {
  key: string;
  sandbox: Sandbox;
  lastUsed: number;
  busy: number;
  /** Operations on one sandbox run one after another (git's index lock, one work tree). */
  queue: Promise<unknown>;
}

export class SandboxCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly opts: SandboxCacheOptions) {
    if (!(opts.maxActive >= 1)) throw new RangeError(`maxActive must be at least 1, got ${opts.maxActive}`);
    this.now = opts.now ?? (() => performance.now());
    opts.metrics.activeSandboxesTotal.collect = () => this.sweep();
    this.publish();
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs `fn` with the sandbox of `key` (a cached live one, or a new one), after any operation
   * already running in that sandbox.
   */
  async withSandbox<T>(key: SandboxKey, fn: (sandbox: Sandbox) => Promise<T>): Promise<T> {
    const entry = await this.acquire(key);
    entry.busy++;
    const run = entry.queue.then(() => fn(entry.sandbox));
    entry.queue = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      entry.busy--;
      entry.lastUsed = this.now();
    }
  }

  /** Kills expired and dead sandboxes and republishes the gauge; runs on a timer and per scrape. */
  async sweep(): Promise<void> {
    const now = this.now();
    const doomed: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (entry.busy === 0 && now - entry.lastUsed >= this.opts.ttlMs) doomed.push(entry);
      else if (!(await entry.sandbox.isAlive())) doomed.push(entry);
    }
    await Promise.all(doomed.map((e) => this.evict(e)));
    this.opts.cost.tick();
    this.publish();
  }

  /** Kills every cached sandbox; the cache refuses new work afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending.values()]);
    await Promise.all([...this.entries.values()].map((e) => this.evict(e)));
    this.publish();
  }

  private async acquire(key: SandboxKey): Promise<Entry> {
    if (this.closed) throw new Error("the sandbox cache is closed");
    const k = JSON.stringify([key.agentId, key.taskId, key.repoUrl]);
    const cached = this.entries.get(k);
    if (cached && this.now() - cached.lastUsed < this.opts.ttlMs && (await cached.sandbox.isAlive())) {
      this.opts.metrics.sandboxCacheHitsTotal.inc({});
      cached.lastUsed = this.now();
      return cached;
    }
    const inFlight = this.pending.get(k);
    if (inFlight) {
      // Another request is creating this very sandbox: it is a hit once it exists.
      const entry = await inFlight;
      this.opts.metrics.sandboxCacheHitsTotal.inc({});
      return entry;
    }
    this.opts.metrics.sandboxCacheMissesTotal.inc({});
    const creating = this.create(k, key, cached);
    this.pending.set(k, creating);
    try {
      return await creating;
    } finally {
      this.pending.delete(k);
    }
  }

  private async create(k: string, key: SandboxKey, stale: Entry | undefined): Promise<Entry> {
    if (stale) await this.evict(stale);
    while (this.entries.size + this.othersPending(k) >= this.opts.maxActive) {
      const victim = this.leastRecentlyUsed();
      if (!victim) break;
      await this.evict(victim);
    }
    const start = process.hrtime.bigint();
    const sandbox = await this.opts.provider.create({
      metadata: { agent: key.agentId, task: key.taskId, repository: key.repoUrl },
    });
    this.opts.metrics.sandboxCreationSeconds.observeSince({}, start);
    const entry: Entry = { key: k, sandbox, lastUsed: this.now(), busy: 0, queue: Promise.resolve() };
    if (this.closed) {
      await sandbox.kill();
      throw new Error("the sandbox cache is closed");
    }
    this.entries.set(k, entry);
    this.opts.cost.track(sandbox.id, this.opts.project ?? "default");
    this.publish();
    return entry;
  }

  private othersPending(k: string): number {
    let n = 0;
    for (const other of this.pending.keys()) if (other !== k) n++;
    return n;
  }

  /** The idle entry used longest ago, or failing that the busy one used longest ago. */
  private leastRecentlyUsed(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries.values()) {
      const better = !best || (e.busy === 0 && best.busy > 0) || ((e.busy === 0) === (best.busy === 0) && e.lastUsed < best.lastUsed);
      if (better) best = e;
    }
    return best;
  }

  private async evict(entry: Entry): Promise<void> {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    this.opts.cost.untrack(entry.sandbox.id);
    this.publish();
    await entry.sandbox.kill();
  }

  private publish(): void {
    this.opts.metrics.activeSandboxesTotal.set({}, this.entries.size);
  }
}
