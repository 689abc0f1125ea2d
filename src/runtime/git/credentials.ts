// Which remote may receive which credentials. The runtime-wide credentials (GIT_USERNAME /
// GIT_PASSWORD) go only to hosts an operator listed in GIT_CREDENTIAL_HOSTS, and only over https
// (http too when local remotes are allowed, for tests); credentials a caller put in the URL go to
// that URL's host only. git asks for them through the askpass helper below, which answers only a
// prompt for exactly the origin the runtime chose: a redirect to another host gets nothing.
import type { Credentials } from "./redact.ts";

export const CREDENTIAL_HOSTS_ENV = "GIT_CREDENTIAL_HOSTS";

/**
 * The hosts of GIT_CREDENTIAL_HOSTS (comma-separated `host` or `host:port`), lower-cased; unset or
 * empty means no host. Throws RangeError naming the variable and the bad entry.
 */
export function credentialHostsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  const raw = env[CREDENTIAL_HOSTS_ENV] ?? "";
  const hosts: string[] = [];
  for (const entry of raw.split(",").map((e) => e.trim())) {
    if (entry === "") continue;
    if (!/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(entry)) {
      throw new RangeError(`${CREDENTIAL_HOSTS_ENV}: "${entry}" is not a host or host:port`);
    }
    hosts.push(entry.toLowerCase());
  }
  return hosts;
}

export interface CredentialPolicy {
  /** Entries of GIT_CREDENTIAL_HOSTS. */
  hosts: readonly string[];
  allowLocalRemotes: boolean;
}

/** What git's askpass may answer for one remote: the credentials and the one origin they are for. */
export interface Grant {
  /** `scheme://host[:port]` exactly as git prints it in its prompt. */
  origin: string;
  credentials: Credentials;
}

const HTTP_SCHEME = /^https?:/i;

/**
 * The credentials git may use for `url` (already stripped of userinfo): the URL's own, or the
 * runtime's when its host is listed; undefined when none may be sent.
 */
export function grantFor(url: string, own: Credentials | undefined, runtime: Credentials | undefined, policy: CredentialPolicy): Grant | undefined {
  // Only http(s) remotes ever get credentials; anything else (ssh, scp-like, a local path) is
  // settled here, without URL parsing, which throws on the last two: an exception per request.
  if (!HTTP_SCHEME.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const schemes = policy.allowLocalRemotes ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(parsed.protocol) || parsed.host === "") return undefined;
  const origin = `${parsed.protocol}//${parsed.host}`;
  if (own !== undefined) return { origin, credentials: own };
  if (runtime === undefined) return undefined;
  const listed = policy.hosts.some((entry) => sameHost(parsed, entry));
  return listed ? { origin, credentials: runtime } : undefined;
}

/** `entry` (host or host:port) names the host and port of `url`; a bare host means the default port. */
function sameHost(url: URL, entry: string): boolean {
  try {
    return new URL(`${url.protocol}//${entry}`).host === url.host;
  } catch {
    return false;
  }
}

/**
 * git's askpass helper. git runs it with a prompt, `Username for 'https://host': ` or
 * `Password for 'https://user@host': `; it answers only when the prompt's origin is
 * OBSGEN_GIT_ORIGIN, and fails otherwise (git then reports an authentication failure). ssh's
 * password prompts never match.
 */
export const ASKPASS_SCRIPT = `#!/bin/sh
want=\${OBSGEN_GIT_ORIGIN-}
[ -n "$want" ] || exit 1
url=\${1#*\\'}
url=\${url%\\'*}
scheme=\${url%%://*}
rest=\${url#*://}
host=\${rest##*@}
[ "$scheme://$host" = "$want" ] || exit 1
case $1 in
  "Username for '"*) printf '%s\\n' "\${OBSGEN_GIT_USERNAME-}" ;;
  "Password for '"*) printf '%s\\n' "\${OBSGEN_GIT_PASSWORD-}" ;;
  *) exit 1 ;;
esac
`;

/** Environment for one git command: the grant's values, or empty ones (askpass then refuses). */
export function grantEnv(grant: Grant | undefined): Record<string, string> {
  return {
    OBSGEN_GIT_ORIGIN: grant?.origin ?? "",
    OBSGEN_GIT_USERNAME: grant?.credentials.username ?? "",
    OBSGEN_GIT_PASSWORD: grant?.credentials.password ?? "",
  };
}
