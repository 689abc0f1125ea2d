// When V8 hands a function to its optimising compiler (TurboFan): once the function has run
// through its "interrupt budget" of bytecode a few times. A one-shot command on a spec of ordinary
// size is over in about 200 ms, and in that time V8 optimised 74 of the bundle's functions (lezer's
// parser loop, yaml's lexer and composer, …) on its compiler threads: about 150 ms of CPU, most of
// it for code that had done its work before the optimised version arrived. On a machine with few
// cores (this 2-core one, a CI runner) those threads compete with the run itself. So a one-shot
// command starts with a larger budget: code that stays hot (a large spec, the watcher) is still
// optimised, only later. Nothing but timing changes: V8 runs the same bytecode either way.
//
// node's v8.setFlagsFromString changes the flag for the functions whose budget is set from then
// on, which is every function of the commands' bundle when it is called before the bundle runs.
// A budget the user chose (--interrupt-budget in node's arguments or NODE_OPTIONS) is left alone.
// node:v8 is required when a budget is set, not imported with this module: loading it takes about
// 2 ms, which `obsgen --help` and a `generate` that does not watch would pay for nothing. (A
// dynamic import() would not do: the commands' bundle runs as a vm.Script, which has none.)
import { createRequire } from "node:module";

/** V8's own --interrupt-budget on node 20 (`node --v8-options`; test/tier-up.test.ts compares). */
export const V8_INTERRUPT_BUDGET = 67584;

/** A one-shot command's budget. */
export const ONE_SHOT_INTERRUPT_BUDGET = 8 * V8_INTERRUPT_BUDGET;

function userChoseBudget(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, nodeOptions ?? ""].some((a) => /--interrupt[-_]budget\b/.test(a));
}

function setBudget(bytes: number): void {
  if (userChoseBudget(process.execArgv, process.env["NODE_OPTIONS"])) return;
  // A builtin resolves the same from any directory: the path only anchors the require.
  const v8 = createRequire(process.execPath)("node:v8") as typeof import("node:v8");
  v8.setFlagsFromString(`--interrupt-budget=${bytes}`);
}

/** For a command that runs once and exits: optimise only what stays hot a while. */
export function tierUpLate(): void {
  setBudget(ONE_SHOT_INTERRUPT_BUDGET);
}

/** For a process that keeps running (`generate --watch`): V8's own budget again. */
export function tierUpAsUsual(): void {
  setBudget(V8_INTERRUPT_BUDGET);
}

export const forTests = { userChoseBudget };
