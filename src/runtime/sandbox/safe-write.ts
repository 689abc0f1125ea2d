// Writing a caller's files into a cloned repository without letting the repository choose where
// they land. A clone may hold symlinks (`out -> /etc`, `g -> .git`); a write that followed one would
// leave the sandbox or reach git's own configuration. The check runs inside the sandbox, in the same
// process that writes, so nothing can be swapped between check and write: the script walks to the
// file's directory one component at a time (`cd -P`, then `pwd -P` must equal the path it expects,
// which no symlink can satisfy), and the file itself is opened with O_NOFOLLOW (`dd oflag=nofollow`)
// relative to that directory. Both providers run this one script, so both follow the same rules.

/** Exit status of SAFE_WRITE_SCRIPT when a path is refused; stdout then holds `index<TAB>reason`. */
export const UNSAFE_PATH_EXIT = 3;

/**
 * `sh -c SAFE_WRITE_SCRIPT safe-write STAGING ROOT REL1 SRC1 [REL2 SRC2 ...]`: copies each staged
 * file SRCn to ROOT/RELn. Every path is checked before anything is written, so a refused request
 * writes nothing; STAGING (a directory holding the SRCn) is removed on exit.
 */
export const SAFE_WRITE_SCRIPT = `
set -u
staging=$1 root=$2
shift 2
trap 'rm -rf -- "$staging"' EXIT
unsafe() { printf '%s\\t%s\\n' "$1" "$2"; exit ${UNSAFE_PATH_EXIT}; }
name_ok() {
  case $2 in
    ''|.|..) unsafe "$1" "$3 has an empty, '.' or '..' component" ;;
    [.][gG][iI][tT]) unsafe "$1" "$3 is inside .git" ;;
  esac
}
check_all() {
  i=0
  while [ $# -gt 1 ]; do
    rel=$1
    shift 2
    rest=$rel sofar= missing=
    while :; do
      case $rest in
        */*) part=\${rest%%/*} rest=\${rest#*/} last= ;;
        *) part=$rest last=1 ;;
      esac
      sofar=\${sofar:+$sofar/}$part
      name_ok "$i" "$part" "$rel"
      if [ -z "$missing" ]; then
        if [ -L "$root/$sofar" ]; then unsafe "$i" "$sofar is a symbolic link"
        elif [ ! -e "$root/$sofar" ]; then missing=1
        elif [ -z "$last" ] && [ ! -d "$root/$sofar" ]; then unsafe "$i" "$sofar is not a directory"
        elif [ -n "$last" ] && [ ! -f "$root/$sofar" ]; then unsafe "$i" "$sofar is not a regular file"
        fi
      fi
      [ -n "$last" ] && break
    done
    i=$((i + 1))
  done
}
write_all() {
  i=0
  while [ $# -gt 1 ]; do
    rel=$1 src=$2
    shift 2
    (
      cd -P -- "$root" || exit 1
      here=$(pwd -P) rest=$rel sofar=
      while :; do
        case $rest in
          */*) part=\${rest%%/*} rest=\${rest#*/} ;;
          *) break ;;
        esac
        sofar=\${sofar:+$sofar/}$part
        [ -L "$part" ] && unsafe "$i" "$sofar is a symbolic link"
        [ -e "$part" ] || mkdir -- "$part" || exit 1
        cd -P -- "$part" 2>/dev/null || unsafe "$i" "$sofar is not a directory"
        [ "$(pwd -P)" = "$here/$part" ] || unsafe "$i" "$sofar is a symbolic link"
        here=$here/$part
      done
      [ -L "$rest" ] && unsafe "$i" "$rel is a symbolic link"
      [ ! -e "$rest" ] || [ -f "$rest" ] || unsafe "$i" "$rel is not a regular file"
      if ! dd if="$src" of="$rest" oflag=nofollow status=none; then
        [ -L "$rest" ] && unsafe "$i" "$rel is a symbolic link"
        exit 1
      fi
    ) || exit $?
    i=$((i + 1))
  done
}
check_all "$@"
write_all "$@"
`;

/** The argv that runs SAFE_WRITE_SCRIPT for `files` staged as `staged[i]` under `staging`. */
export function safeWriteArgv(staging: string, root: string, files: readonly { path: string; staged: string }[]): string[] {
  return ["sh", "-c", SAFE_WRITE_SCRIPT, "safe-write", staging, root, ...files.flatMap((f) => [f.path, f.staged])];
}

/** Reads the refusal SAFE_WRITE_SCRIPT printed: which file and why. */
export function parseRefusal(stdout: string): { index: number; reason: string } | undefined {
  const match = /^(\d+)\t(.*)$/m.exec(stdout);
  if (match === null) return undefined;
  return { index: Number(match[1]), reason: match[2] ?? "" };
}
