// Preloaded into a process under test (`node --import ./test/support/promise-hook-probe.mjs …`):
// on SIGUSR2 it writes one JSON line to stderr saying whether async hooks track promises in that
// process. Without an enabled hook (AsyncLocalStorage, createHook) a promise gets no async id and a
// reaction runs with executionAsyncId() 0; once any is enabled — on Node 20 for the rest of the
// process's life — the reaction runs inside its promise's own id.
import { executionAsyncId } from "node:async_hooks";

process.on("SIGUSR2", () => {
  void Promise.resolve().then(() => {
    process.stderr.write(`${JSON.stringify({ probe: "promise-hooks", promise_async_id: executionAsyncId() })}\n`);
  });
});
