// Watches a spec (a file, or a directory of *.yaml / *.yml) and calls back once per save. Editors
// save in bursts (write in place, or write a temporary file and rename it over the original: two
// to four events), so events settle for a few milliseconds into one call; calls never overlap.
import { statSync, watch } from "node:fs";
import { basename, dirname } from "node:path";

export interface WatchOptions {
  /** Quiet time after the last event before the callback runs. */
  settleMs?: number;
  /** Stops watching; the returned promise then resolves. */
  signal: AbortSignal;
}

const SPEC_FILE = /\.ya?ml$/;

export function watchSpec(path: string, onSave: () => void, opts: WatchOptions): Promise<void> {
  const isDir = statSync(path).isDirectory();
  const dir = isDir ? path : dirname(path);
  const only = isDir ? undefined : basename(path);
  const settleMs = opts.settleMs ?? 5;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    // A directory watch also sees the editor's temporary files; only spec files count.
    const watcher = watch(dir, { persistent: true }, (_event, name) => {
      const file = name?.toString();
      if (file === undefined || (only !== undefined ? file !== only : !SPEC_FILE.test(file))) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        try {
          onSave();
        } catch (error) {
          stop();
          reject(error);
        }
      }, settleMs);
    });
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
    };
    watcher.on("error", (error) => {
      stop();
      reject(error);
    });
    if (opts.signal.aborted) {
      stop();
      resolve();
      return;
    }
    opts.signal.addEventListener(
      "abort",
      () => {
        stop();
        resolve();
      },
      { once: true },
    );
  });
}
