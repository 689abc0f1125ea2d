import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/exit-codes.js";
import { serviceNameFrom } from "../src/init/index.js";
import { runObsgen } from "./support/cli-process.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "obsgen-init-"));
  dirs.push(d);
  return d;
}

/** A team's package.json, written with four-space indentation and no final newline. */
const PACKAGE = { name: "@acme/checkout-api", version: "1.2.0", private: true, scripts: { test: "node --test" }, dependencies: { "prom-client": "^15.1.3" } };

describe("obsgen init", () => {
  it("writes a starter spec that generates, checks, lints and validates clean with the real promtool and amtool", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), JSON.stringify(PACKAGE, null, 4));
    mkdirSync(join(root, "src"));
    const init = runObsgen(["init"], join(root, "src"));
    expect(init.err).toBe("");
    expect(init.code).toBe(EXIT.ok);
    expect(init.out).toContain("obsgen: wrote ../metrics-spec/checkout-api.yaml");
    expect(init.out).toContain("npx obsgen generate");
    expect(init.out).not.toMatch(/npm run|scripts\//);

    const spec = readFileSync(join(root, "metrics-spec", "checkout-api.yaml"), "utf8");
    expect(spec.split("\n")[0]).toBe("# yaml-language-server: $schema=../generated/spec.schema.json");
    expect(spec).toMatch(/type: counter[\s\S]*type: histogram[\s\S]*type: gauge/);

    for (const command of ["generate", "check", "lint", "validate"]) {
      const r = runObsgen([command], root);
      expect({ command, code: r.code, err: r.err }).toEqual({ command, code: EXIT.ok, err: "" });
    }
    const validate = runObsgen(["validate"], root);
    expect(validate.out).toContain("obsgen: 4 checks passed");
    expect(validate.out).toMatch(/ok +alert unit tests pass: promtool test rules/);
  });

  it("adds generate and check scripts to package.json, keeping its indentation and everything else", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), JSON.stringify(PACKAGE, null, 4));
    expect(runObsgen(["init", "--service", "checkout"], root).code).toBe(EXIT.ok);
    const after = readFileSync(join(root, "package.json"), "utf8");
    const scripts = { test: "node --test", generate: "obsgen generate", check: "obsgen check" };
    expect(after).toBe(JSON.stringify({ ...PACKAGE, scripts }, null, 4));
  });

  it("keeps a script of the same name, and passes --spec for a spec directory elsewhere", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), `${JSON.stringify({ name: "svc", scripts: { generate: "tsc -p ." } }, null, 2)}\n`);
    const r = runObsgen(["init", "--service", "orders", "--dir", "observability/spec"], root);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain('kept your existing "generate" script');
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8"))).toEqual({ name: "svc", scripts: { generate: "tsc -p .", check: "obsgen check --spec observability/spec" } });
    expect(readFileSync(join(root, "observability", "spec", "orders.yaml"), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../../generated/spec.schema.json");
  });

  it("refuses to overwrite an existing spec, and changes nothing", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}\n");
    expect(runObsgen(["init", "--service", "checkout"], root).code).toBe(EXIT.ok);
    const spec = join(root, "metrics-spec", "checkout.yaml");
    writeFileSync(spec, "# my edits\n");
    const pkg = readFileSync(join(root, "package.json"), "utf8");
    const again = runObsgen(["init", "--service", "checkout"], root);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toContain("metrics-spec/checkout.yaml already exists; obsgen init never overwrites a spec");
    expect(readFileSync(spec, "utf8")).toBe("# my edits\n");
    expect(readFileSync(join(root, "package.json"), "utf8")).toBe(pkg);
  });

  it("refuses a service name that is not one, and writes nothing", () => {
    const root = tempDir();
    const r = runObsgen(["init", "--service", "Checkout API"], root);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('"Checkout API" is not a service name');
    expect(existsSync(join(root, "metrics-spec"))).toBe(false);
  });

  it("derives a valid service name from a package or directory name, or none", () => {
    expect(serviceNameFrom("@acme/Checkout API")).toBe("checkout-api");
    expect(serviceNameFrom("9lives_service")).toBe("lives-service");
    expect(serviceNameFrom("___")).toBeUndefined();
  });
});

describe("hints name the user's commands", () => {
  it("tells a stale project to run npx obsgen generate", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}\n");
    runObsgen(["init", "--service", "checkout"], root);
    const r = runObsgen(["check"], root);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toContain("run `npx obsgen generate` and commit the result");
  });

  it("tells how to install promtool and amtool with the package manager when they are missing", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}\n");
    // A PATH with node on it and nothing else: promtool may sit beside node in /usr/bin.
    const bin = join(root, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const r = runObsgen(["validate"], root, { PATH: bin });
    expect(r.code).toBe(EXIT.toolMissing);
    expect(r.err).toContain("amtool and promtool not found on PATH");
    expect(r.err).toContain("apt-get install prometheus prometheus-alertmanager");
    expect(r.err).toContain("brew install prometheus alertmanager");
    expect(r.err).not.toMatch(/scripts\/|npm run/);
  });
});

describe("obsgen doctor", () => {
  it("fails a run-time dependency installed as a devDependency, which npm ci --omit=dev would drop", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), `${JSON.stringify({ dependencies: { "prom-client": "*" }, devDependencies: { obsgen: "*" } })}\n`);
    mkdirSync(join(root, "node_modules"));
    symlinkSync(join(process.cwd(), "node_modules", "prom-client"), join(root, "node_modules", "prom-client"));
    symlinkSync(process.cwd(), join(root, "node_modules", "obsgen"));
    const r = runObsgen(["doctor"], root);
    expect(r.code).toBe(EXIT.findings);
    expect(r.out).toMatch(/ok +prom-client/);
    expect(r.out).toMatch(/FAIL +obsgen +a devDependency, but the generated module imports it at run time.*\n +fix: npm install obsgen/);
  });

  it("finds nothing missing in a project with a generated starter spec and prom-client and obsgen installed", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), `${JSON.stringify({ dependencies: { obsgen: "*", "prom-client": "*" } })}\n`);
    mkdirSync(join(root, "node_modules"));
    symlinkSync(join(process.cwd(), "node_modules", "prom-client"), join(root, "node_modules", "prom-client"));
    symlinkSync(process.cwd(), join(root, "node_modules", "obsgen"));
    runObsgen(["init", "--service", "checkout"], root);
    runObsgen(["generate"], root);
    const r = runObsgen(["doctor"], join(root, "metrics-spec"));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.split("\n").filter((l) => /^(ok|FAIL)/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "ok node", "ok promtool", "ok amtool", "ok prom-client", "ok obsgen", "ok spec", "ok generated",
    ]);
  });

  it("names each missing piece with the command that fixes it", () => {
    const root = tempDir();
    writeFileSync(join(root, "package.json"), "{}\n");
    const bin = join(root, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const r = runObsgen(["doctor"], root, { PATH: bin });
    expect(r.code).toBe(EXIT.findings);
    expect(r.out).toMatch(/FAIL +promtool +not found on PATH\n +fix: install Prometheus and Alertmanager, which ship them: `sudo apt-get install prometheus prometheus-alertmanager`/);
    expect(r.out).toMatch(/FAIL +prom-client +not installed in this project.*\n +fix: npm install prom-client/);
    expect(r.out).toMatch(/FAIL +obsgen +not installed in this project.*\n +fix: npm install obsgen/);
    expect(r.out).toMatch(/FAIL +spec +metrics-spec does not exist\n +fix: npx obsgen init/);
    expect(r.out).not.toMatch(/scripts\/|npm run/);
  });
});
