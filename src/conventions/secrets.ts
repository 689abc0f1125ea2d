// Where secrets live: files in the repository's git-ignored secrets/ directory, which the compose
// stack mounts into containers at /run/secrets/<name> and the stack without Docker reads in place.
// Generated configs name only the container path; no secret value is ever generated.
export const SECRETS_DIR = "secrets";
export const CONTAINER_SECRETS_DIR = "/run/secrets";

export function containerSecretPath(name: string): string {
  return `${CONTAINER_SECRETS_DIR}/${name}`;
}
