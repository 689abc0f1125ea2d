// snappyjs ships no types; the one function the remote_write receiver uses.
declare module "snappyjs" {
  export function uncompress(compressed: Uint8Array): Uint8Array;
}
