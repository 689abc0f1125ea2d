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
//    before running anything in a clone, the runtime lists the clone's own configuration and
//    refuses one holding any key git clone does not write itself.

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

/** What `git clone` writes into a clone's .git/config; anything else was put there by someone else. */
const CLONE_CONFIG_KEY =
  /^(core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks)|remote\.origin\.(url|fetch)|branch\..+\.(remote|merge)|extensions\.objectformat)$/i;

/** Arguments that list the keys of a clone's own .git/config (includes are not followed). */
export const LIST_LOCAL_CONFIG = ["config", "--local", "--no-includes", "--list", "--name-only"] as const;

/** Keys of `git config --local --list --name-only` output that git clone would not have written. */
export function foreignConfigKeys(listing: string): string[] {
  return [...new Set(listing.split("\n").filter((k) => k !== "" && !CLONE_CONFIG_KEY.test(k)))].sort();
}
