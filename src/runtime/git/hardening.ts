// How every git command runs so that nothing a cloned repository holds, or an attacker wrote into
// its .git, can run a program. Three layers:
// 1. Configuration given on the command line (`-c`), which git reads after the system, global and
//    repository files and which therefore wins over them: every key git documents as running a
//    command (git help config) is set to something inert.
// 2. Environment variables, which git reads before any configuration for the same purpose
//    (GIT_SSH_COMMAND over core.sshCommand, GIT_EDITOR over core.editor, ...), and no system or
//    global configuration at all.
// 3. Keys a `-c` cannot neutralise, because they are per name (`filter.<driver>.smudge`,
//    `merge.<driver>.driver`, `url.<base>.insteadOf`), pull in other files (`include.path`), or
//    take the first value given (`remote.origin.uploadpack` / `receivepack`: git warns "more than
//    one uploadpack given, using the first", and the first is the repository's):
//    every git command in a clone runs behind a check of .git/config that refuses anything git
//    clone does not write itself (the runtime writes nothing there): cloneConfigRefusal, in the
//    runtime's process, when the sandbox can read a file without running a command (the local
//    provider), else GUARD_SCRIPT, the same check in sh, in front of git in the sandbox (E2B).

/** Key, value: applied to every git command as `-c key=value`. */
export const HARDENED_CONFIG: readonly (readonly [string, string])[] = [
  ["core.hooksPath", "/dev/null"],
  ["core.fsmonitor", "false"],
  ["core.sshCommand", "ssh -o BatchMode=yes"],
  ["core.gitProxy", "none"],
  ["core.pager", "cat"],
  ["core.editor", "true"],
  ["sequence.editor", "true"],
  ["core.alternateRefsCommand", "true"],
  ["core.attributesFile", "/dev/null"],
  ["diff.external", ""],
  ["credential.helper", ""],
  ["protocol.allow", "never"],
  ["gpg.program", "false"],
  ["gpg.ssh.program", "false"],
  ["gpg.x509.program", "false"],
  ["gpg.ssh.defaultKeyCommand", "false"],
  ["commit.gpgSign", "false"],
  ["tag.gpgSign", "false"],
  ["push.gpgSign", "false"],
  ["log.showSignature", "false"],
  ["merge.verifySignatures", "false"],
  ["submodule.recurse", "false"],
  ["fetch.recurseSubmodules", "false"],
  ["push.recurseSubmodules", "no"],
  ["status.submoduleSummary", "false"],
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
];

/** Transports git may use; the same list as GIT_ALLOW_PROTOCOL. */
export function allowedProtocols(allowLocalRemotes: boolean): string[] {
  return allowLocalRemotes ? ["https", "ssh", "git", "http", "file"] : ["https", "ssh", "git"];
}

/** `-c` arguments that go before every git subcommand. */
export function hardenedConfigArgs(allowLocalRemotes: boolean): string[] {
  const protocols = allowedProtocols(allowLocalRemotes).map((p) => [`protocol.${p}.allow`, "always"] as const);
  return ["--no-pager", ...[...HARDENED_CONFIG, ...protocols].flatMap(([k, v]) => ["-c", `${k}=${v}`])];
}

/** Environment of every git command, before per-command additions (credentials, identity). */
export function hardenedEnv(askpass: string, allowLocalRemotes: boolean): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    // A file named `*` or `:(glob)**` is that file, not a pattern matching others.
    GIT_LITERAL_PATHSPECS: "1",
    GIT_ASKPASS: askpass,
    SSH_ASKPASS: askpass,
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
    // Set, even empty, it makes git ignore core.gitProxy.
    GIT_PROXY_COMMAND: "",
    GIT_EDITOR: "true",
    GIT_SEQUENCE_EDITOR: "true",
    GIT_PAGER: "cat",
    PAGER: "cat",
    // git itself refuses other transports (ext::, fd::), in submodules and redirects too.
    GIT_ALLOW_PROTOCOL: allowedProtocols(allowLocalRemotes).join(":"),
  };
}

/** Exit status of GUARD_SCRIPT when it refuses; stderr then starts with GUARD_MARK. */
export const GUARD_EXIT = 97;
export const GUARD_MARK = "obsgen-guard:";

/**
 * `sh -c GUARD_SCRIPT git-guard git ARGS...` in a clone: reads the clone's .git/config and refuses,
 * naming it, anything `git clone` does not write there; otherwise it becomes the git command
 * (exec) in the same process, so nothing can change in between and the check costs neither a
 * second git process nor a round trip to the sandbox. It reads the file with shell built-ins
 * only, and fails closed: a section or key it does not know (named in the refusal as
 * `section.key`, an unknown section by its header line), a key on a header line or a continued
 * line is a refusal. What git clone writes passes.
 */
export const GUARD_SCRIPT = `
set -f
refuse() { echo "${GUARD_MARK} $1" >&2; exit ${GUARD_EXIT}; }
[ -f .git/config ] || refuse ".git/config (not a file)"
section= foreign=
while IFS= read -r line || [ -n "$line" ]; do
  line=\${line#"\${line%%[![:space:]]*}"}
  case $line in
    ''|'#'*|';'*) continue ;;
    *'\\') refuse "a continued line" ;;
    '[core]') section=core; continue ;;
    '[extensions]') section=extensions; continue ;;
    '[remote "origin"]') section=remote.origin; continue ;;
    '[branch "'*'"]')
      name=\${line#'[branch "'}
      name=\${name%'"]'}
      case $name in *'"'*|*'\\'*|*']'*) refuse "$line" ;; esac
      section=branch; continue ;;
    '['*) foreign="$foreign $line"; section=$line; continue ;;
  esac
  key=\${line%%[=[:space:]]*}
  case $section.$key in
    core.repositoryformatversion|core.filemode|core.bare|core.logallrefupdates|core.ignorecase|core.precomposeunicode|core.symlinks) ;;
    remote.origin.url|remote.origin.fetch|branch.remote|branch.merge|extensions.objectformat) ;;
    *) foreign="$foreign $section.$key" ;;
  esac
done < .git/config
[ -z "$foreign" ] || refuse "$foreign"
exec "$@"
`;

/** Keys git clone writes (and `git config branch.<name>.remote|merge`), as `section.key`. */
const CLONE_KEYS = new Set([
  "core.repositoryformatversion",
  "core.filemode",
  "core.bare",
  "core.logallrefupdates",
  "core.ignorecase",
  "core.precomposeunicode",
  "core.symlinks",
  "remote.origin.url",
  "remote.origin.fetch",
  "branch.remote",
  "branch.merge",
  "extensions.objectformat",
]);
const SECTIONS = new Map([
  ["[core]", "core"],
  ["[extensions]", "extensions"],
  ['[remote "origin"]', "remote.origin"],
]);
const LEADING_SPACE = /^[ \t\n\v\f\r]+/;
const KEY_END = /[= \t\n\v\f\r]/;
const BRANCH_OPEN = '[branch "';
const BRANCH_CLOSE = '"]';
/** A clone's .git/config is a few hundred bytes; a larger one was not written by git clone. */
export const MAX_CLONE_CONFIG_BYTES = 64 * 1024;

/**
 * GUARD_SCRIPT's check, line for line, on the text of a clone's .git/config: what it would refuse
 * (the same words), or undefined when git clone could have written it. It also refuses a NUL byte,
 * which sh's read drops; git clone writes none.
 */
export function cloneConfigRefusal(text: string): string | undefined {
  if (text.includes("\0")) return "a NUL byte";
  const lines = text.split("\n");
  // sh's read sees no line after a final newline.
  if (lines.at(-1) === "") lines.pop();
  let section = "";
  const foreign: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(LEADING_SPACE, "");
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.endsWith("\\")) return "a continued line";
    const known = SECTIONS.get(line);
    if (known !== undefined) {
      section = known;
      continue;
    }
    if (line.length >= BRANCH_OPEN.length + BRANCH_CLOSE.length && line.startsWith(BRANCH_OPEN) && line.endsWith(BRANCH_CLOSE)) {
      if (/["\\\]]/.test(line.slice(BRANCH_OPEN.length, -BRANCH_CLOSE.length))) return line;
      section = "branch";
      continue;
    }
    if (line.startsWith("[")) {
      foreign.push(line);
      section = line;
      continue;
    }
    const end = line.search(KEY_END);
    const key = `${section}.${end < 0 ? line : line.slice(0, end)}`;
    if (!CLONE_KEYS.has(key)) foreign.push(key);
  }
  return foreign.length > 0 ? foreign.join(" ") : undefined;
}

/** What GUARD_SCRIPT refused, or undefined when `stderr` is not its refusal. */
export function guardRefusal(exitCode: number, stderr: string): string[] | undefined {
  if (exitCode !== GUARD_EXIT || !stderr.startsWith(GUARD_MARK)) return undefined;
  return [stderr.slice(GUARD_MARK.length).trim()];
}
