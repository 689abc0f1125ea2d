// Credentials never leave the runtime: every error, log line, API response and MCP result passes
// through a Redactor, which removes URL userinfo, well-known token shapes and every secret the
// runtime was given or took out of a request's URL.

const MASK = "***";

/**
 * Each pattern with a test every text it can match passes (its literal part, or its look-around):
 * the patterns with a look-behind are tried at every position of a text, which on a status or
 * diff output of some kilobytes cost the runtime a third of a millisecond per response; the
 * tests scan for a literal and skip them when they cannot match.
 */
export const REDACTION_PATTERNS: readonly (readonly [pattern: RegExp, needed: RegExp | undefined])[] = [
  // userinfo of any URL (https, http, git, ssh, ...): scheme://user:secret@host → scheme://***@host,
  // up to the last '@' before the path, so a password holding a raw '@' goes whole.
  [/(?<=[A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/\s]*(?=@)/g, /:\/\/[^/\s]*@/],
  // scp-like user:secret@host:path (git has no such syntax, but a caller may write it)
  [/(?<![^\s'"(<=])[^\s'"@/:]+:[^\s/]*(?=@[A-Za-z0-9.[\]-]+:)/g, /@[A-Za-z0-9.[\]-]+:/],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, undefined],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, undefined],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/g, undefined],
  [/(?<=\b[Bb]earer\s+)[A-Za-z0-9._~+/=-]+/g, /[Bb]earer\s/],
  [/(?<=\b[Bb]asic\s+)[A-Za-z0-9+/=]{8,}/g, /[Bb]asic\s/],
];

/**
 * Matches wherever any of the patterns could: the union of their tests (a pattern without one
 * stands for itself). One scan of a clean output, instead of one per pattern, settles that none of
 * them applies: on a clean diff of 20 kB, half the time of one scan per pattern.
 */
const ANY_PATTERN = new RegExp(REDACTION_PATTERNS.map(([pattern, needed]) => `(?:${(needed ?? pattern).source})`).join("|"));

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
    // When no pattern can match the text, none can match after another masked something either:
    // nothing was masked.
    if (!ANY_PATTERN.test(out)) return out;
    for (const [pattern, needed] of REDACTION_PATTERNS) if (needed === undefined || needed.test(out)) out = out.replace(pattern, MASK);
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
 * Splits credentials out of a URL: git gets the clean URL (which it stores in the clone's config)
 * and, for https/http, the credentials through the askpass helper. An ssh URL keeps its user (ssh
 * logs in as it) and loses its password, which ssh would never use; either way the secret is
 * returned so that it can be redacted.
 */
export function splitCredentials(url: string): { url: string; credentials?: Credentials } {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === "" && parsed.password === "") return { url };
  const credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  if (/^https?:$/.test(parsed.protocol)) parsed.username = "";
  else if (parsed.password === "") return { url };
  parsed.password = "";
  return { url: parsed.toString(), credentials };
}
