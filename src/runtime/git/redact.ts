// Credentials never leave the runtime: every error, log line, API response and MCP result passes
// through a Redactor, which removes URL userinfo, well-known token shapes and every secret the
// runtime was given or took out of a request's URL.

const MASK = "***";

const PATTERNS: readonly RegExp[] = [
  // userinfo of any URL: scheme://user:secret@host → scheme://***@host
  /(?<=[A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@\s]+(?=@)/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /(?<=\b[Bb]earer\s+)[A-Za-z0-9._~+/=-]+/g,
  /(?<=\b[Bb]asic\s+)[A-Za-z0-9+/=]{8,}/g,
];

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Adds a secret to remove wherever it appears (too-short values would mask ordinary words). */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 4) {
      this.secrets.add(secret);
      this.secrets.add(encodeURIComponent(secret));
    }
  }

  /** A redactor that also removes `extra`, for one request's own credentials. */
  with(extra: Iterable<string | undefined>): Redactor {
    const r = new Redactor(this.secrets);
    for (const s of extra) r.add(s);
    return r;
  }

  text(value: string): string {
    let out = value;
    // Longest first, so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    for (const p of PATTERNS) out = out.replace(p, MASK);
    return out;
  }

  /** Redacts every string inside a JSON-like value. */
  value<T>(value: T): T {
    if (typeof value === "string") return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.value(v)) as T;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.value(v);
      return out as T;
    }
    return value;
  }
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Splits credentials out of an https/http URL: git gets the clean URL (which it stores in the
 * clone's config) and the credentials through the askpass helper.
 */
export function splitCredentials(url: string): { url: string; credentials?: Credentials } {
  if (!/^https?:\/\//i.test(url)) return { url };
  const parsed = new URL(url);
  if (parsed.username === "" && parsed.password === "") return { url };
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), credentials };
}
