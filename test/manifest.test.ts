// The manifest of generated files (`.obsgen-manifest.json`) through the real CLI on real
// directories: what it lists, what `generate` removes and keeps, what `check` reports, the
// migration from an output directory an older obsgen wrote, and manifests written to attack.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { EXIT } from "../src/cli/exit-codes.js";
import { MANIFEST_PATH } from "../src/conventions/artifact.js";
import { METRICS_MODULE_DTS_PATH, METRICS_MODULE_JS_PATH, METRICS_MODULE_PATH } from "../src/conventions/module.js";

const SPEC_FILE = "git-operations.yaml";

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp directory holding a copy of `from` as spec/, and out/ (not yet generated). */
function project(from = "metrics-spec"): { root: string; spec: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), "obsgen-manifest-"));
  dirs.push(root);
  cpSync(from, join(root, "spec"), { recursive: true });
  return { root, spec: join(root, "spec"), out: join(root, "out") };
}

async function generated(from = "metrics-spec", ...flags: string[]): Promise<{ root: string; spec: string; out: string }> {
  const p = project(from);
  const r = await run(["generate", "--spec", p.spec, "--out", p.out, ...flags]);
  expect(r.code, r.err).toBe(EXIT.ok);
  return p;
}

/** Every file under `dir`, relative, with forward slashes, sorted; links and FIFOs are not followed. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(relative(dir, full).split("\\").join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** Every file under `dir` with its bytes (a link: where it points; a FIFO: its kind). */
function contents(dir: string): Map<string, string> {
  return new Map(
    filesUnder(dir).map((f) => {
      const full = join(dir, f);
      const st = lstatSync(full);
      return [f, st.isSymbolicLink() ? `link to ${readlinkSync(full)}` : st.isFile() ? readFileSync(full, "utf8") : "special file"];
    }),
  );
}

interface ManifestJson {
  __comment: string;
  files: Record<string, { generator?: string; sha256: string }>;
  format: number;
}

function readManifestJson(out: string): ManifestJson {
  return JSON.parse(readFileSync(join(out, MANIFEST_PATH), "utf8")) as ManifestJson;
}

function writeManifestJson(out: string, manifest: ManifestJson): void {
  writeFileSync(join(out, MANIFEST_PATH), `${JSON.stringify(manifest, null, 2)}\n`);
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The bundled spec with its HighLatency alert renamed: runbooks/HighLatency.md is no longer generated. */
function renameAlert(spec: string): void {
  const file = join(spec, SPEC_FILE);
  writeFileSync(file, readFileSync(file, "utf8").replaceAll("HighLatency", "SlowGitOperations"));
}

describe("the manifest obsgen generate writes", () => {
  it("lists every file it wrote, relative to the output directory, with its sha256 and generator, keys sorted, ending in a newline", async () => {
    const { out } = await generated();
    const text = readFileSync(join(out, MANIFEST_PATH), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    const manifest = readManifestJson(out);
    expect(manifest.format).toBe(1);
    expect(Object.keys(manifest)).toEqual(["__comment", "files", "format"]);
    const listed = Object.keys(manifest.files);
    expect(listed).toEqual([...listed].sort());
    expect(listed).toEqual(filesUnder(out).filter((f) => f !== MANIFEST_PATH));
    for (const [path, entry] of Object.entries(manifest.files)) {
      expect(Object.keys(entry), path).toEqual(["generator", "sha256"]);
      expect(entry.sha256, path).toBe(sha256(readFileSync(join(out, path), "utf8")));
    }
    expect(manifest.files[METRICS_MODULE_PATH]?.generator).toBe("metrics-module");
    expect(manifest.files["prometheus/alert_rules.yml"]?.generator).toBe("prometheus");
    expect(manifest.files["grafana/dashboards/git-operations-triage.json"]?.generator).toBe("grafana");
    // Nothing of where or when it ran.
    expect(text).not.toContain(tmpdir());
    expect(text).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it("is byte for byte the same on a second run and in another directory, and a second run writes nothing", async () => {
    const a = await generated();
    const b = await generated();
    expect(readFileSync(join(b.out, MANIFEST_PATH), "utf8")).toBe(readFileSync(join(a.out, MANIFEST_PATH), "utf8"));
    const again = await run(["generate", "--spec", a.spec, "--out", a.out]);
    expect(again.out).toBe(`obsgen: 0 file(s) written, 0 removed in ${a.out}/`);
  });

  it("is the committed generated/'s own: npm run check passes with it", () => {
    expect(readManifestJson("generated").files[METRICS_MODULE_PATH]?.sha256).toBe(sha256(readFileSync(join("generated", METRICS_MODULE_PATH), "utf8")));
  });

  it("lists metrics.js and metrics.d.ts for --lang js with two services, and drops them when the project switches back to TypeScript", async () => {
    const { spec, out } = await generated("test/golden/two-services/spec", "--lang", "js");
    const js = Object.keys(readManifestJson(out).files);
    expect(js).toContain(METRICS_MODULE_JS_PATH);
    expect(js).toContain(METRICS_MODULE_DTS_PATH);
    expect(js).not.toContain(METRICS_MODULE_PATH);
    expect(js).toContain("grafana/dashboards/api.json");
    expect(js).toContain("grafana/dashboards/worker-triage.json");

    // Without --lang the manifest says which module obsgen wrote: JavaScript stays.
    expect((await run(["check", "--spec", spec, "--out", out])).code).toBe(EXIT.ok);
    const back = await run(["generate", "--spec", spec, "--out", out, "--lang", "ts"]);
    expect(back.out).toContain(`  removed ${METRICS_MODULE_DTS_PATH}\n  removed ${METRICS_MODULE_JS_PATH}`);
    const ts = Object.keys(readManifestJson(out).files);
    expect(ts).toContain(METRICS_MODULE_PATH);
    expect(ts).not.toContain(METRICS_MODULE_JS_PATH);
    expect(ts).toEqual(filesUnder(out).filter((f) => f !== MANIFEST_PATH));
  });
});

describe("which files obsgen generate removes", () => {
  it("removes a file the old manifest lists that is no longer generated, and only that", async () => {
    const { spec, out } = await generated();
    expect(existsSync(join(out, "runbooks", "HighLatency.md"))).toBe(true);
    renameAlert(spec);
    const r = await run(["generate", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/^ {2}removed runbooks\/HighLatency\.md$/m);
    expect(r.out.match(/^ {2}removed /gm)).toHaveLength(1);
    expect(r.out).toMatch(/^ {2}wrote \.obsgen-manifest\.json$/m);
    expect(existsSync(join(out, "runbooks", "HighLatency.md"))).toBe(false);
    expect(Object.keys(readManifestJson(out).files)).not.toContain("runbooks/HighLatency.md");
    expect(Object.keys(readManifestJson(out).files)).toContain("runbooks/SlowGitOperations.md");
  });

  it("keeps a user's own files in the output directory, even one that carries obsgen's generated header", async () => {
    const { spec, out } = await generated();
    const own = {
      "NOTES.md": "# Our notes on the generated dashboards\n",
      "grafana/dashboards/team-extra.json": '{"__comment": "Code generated by obsgen from metrics-spec/git-operations.yaml. DO NOT EDIT.", "title": "copied by hand"}\n',
      "prometheus/extra_rules.yml": "# Code generated by obsgen from metrics-spec/git-operations.yaml. DO NOT EDIT.\ngroups: []\n",
    };
    for (const [path, text] of Object.entries(own)) writeFileSync(join(out, path), text);
    renameAlert(spec);
    const r = await run(["generate", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.ok);
    for (const [path, text] of Object.entries(own)) expect(readFileSync(join(out, path), "utf8"), path).toBe(text);
    expect(Object.keys(readManifestJson(out).files)).not.toContain("NOTES.md");
    // Nor are they check's business.
    const check = await run(["check", "--spec", spec, "--out", out]);
    expect({ code: check.code, err: check.err }).toEqual({ code: EXIT.ok, err: "" });
  });

  it("warns when it overwrites or removes a file edited by hand, naming it", async () => {
    const { spec, out } = await generated();
    writeFileSync(join(out, "METRICS.md"), `${readFileSync(join(out, "METRICS.md"), "utf8")}our note\n`);
    writeFileSync(join(out, "runbooks", "HighLatency.md"), "# HighLatency\nour own steps\n");
    renameAlert(spec);
    const r = await run(["generate", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toContain(`obsgen: warning: ${out}/METRICS.md had been edited by hand since obsgen wrote it`);
    expect(r.err).toContain(`obsgen: warning: ${out}/runbooks/HighLatency.md had been edited by hand since obsgen wrote it`);
    expect(readFileSync(join(out, "METRICS.md"), "utf8")).not.toContain("our note");
  });
});

describe("what obsgen check reports", () => {
  it("names a stale file, a missing one, an obsolete one, and the manifest out of date, with the drift exit code", async () => {
    const { spec, out } = await generated();
    renameAlert(spec);
    rmSync(join(out, "METRICS.md"));
    const r = await run(["check", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err).toMatch(/^ {2}stale {4}prometheus\/alert_rules\.yml$/m);
    expect(r.err).toMatch(/^ {2}missing {2}METRICS\.md$/m);
    expect(r.err).toMatch(/^ {2}missing {2}runbooks\/SlowGitOperations\.md$/m);
    expect(r.err).toMatch(/^ {2}obsolete runbooks\/HighLatency\.md \(obsgen wrote it, the spec no longer generates it: generate removes it\)$/m);
    expect(r.err).toMatch(/^ {2}stale {4}\.obsgen-manifest\.json \(the list of files obsgen generated, with their sha256\)$/m);
    expect(r.err).not.toMatch(/edited/);
    expect(r.err).toContain("run `npx obsgen generate` and commit the result");
  });

  it("tells a file edited by hand from one the spec changed", async () => {
    const { spec, out } = await generated();
    const alerts = join(out, "prometheus", "alert_rules.yml");
    writeFileSync(alerts, readFileSync(alerts, "utf8").replace("for: 5m", "for: 1m"));
    const r = await run(["check", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err.split("\n").slice(1, -1)).toEqual(["  edited   prometheus/alert_rules.yml (changed by hand since obsgen wrote it: generate overwrites it; change the spec instead)"]);
  });

  it("reports a manifest someone edited, though every file is current", async () => {
    const { spec, out } = await generated();
    const manifest = readManifestJson(out);
    const entry = manifest.files["METRICS.md"];
    if (entry === undefined) throw new Error("METRICS.md is not in the manifest");
    entry.sha256 = "0".repeat(64);
    writeManifestJson(out, manifest);
    const r = await run(["check", "--spec", spec, "--out", out]);
    expect(r.code).toBe(EXIT.findings);
    expect(r.err.split("\n").slice(1, -1)).toEqual(["  stale    .obsgen-manifest.json (the list of files obsgen generated, with their sha256)"]);
    expect((await run(["generate", "--spec", spec, "--out", out])).out.split("\n").slice(1)).toEqual(["  wrote .obsgen-manifest.json"]);
    expect((await run(["check", "--spec", spec, "--out", out])).code).toBe(EXIT.ok);
  });

  it("says nothing of files the manifest does not list and obsgen does not generate", async () => {
    const { spec, out } = await generated();
    writeFileSync(join(out, "old.ts"), "// Code generated by obsgen from x.yaml. DO NOT EDIT.\n");
    mkdirSync(join(out, "ours"));
    writeFileSync(join(out, "ours", "README.md"), "ours\n");
    expect(await run(["check", "--spec", spec, "--out", out])).toEqual({ code: EXIT.ok, out: `obsgen: ${out}/ is up to date`, err: "" });
  });
});

describe("a huge file where obsgen wrote one", () => {
  it("is reported as edited by its size, never read whole, and generate replaces it and removes an obsolete one", async () => {
    const { spec, out } = await generated();
    // Sparse: 3 GiB on paper, nothing on disk; more than node will read into one string.
    const huge = 3 * 1024 ** 3;
    truncateSync(join(out, "METRICS.md"), huge);
    truncateSync(join(out, "runbooks", "HighLatency.md"), huge);
    renameAlert(spec);
    const check = await run(["check", "--spec", spec, "--out", out]);
    expect(check.code, check.err).toBe(EXIT.findings);
    expect(check.err).toMatch(/^ {2}edited {3}METRICS\.md /m);
    expect(check.err).toMatch(/^ {2}obsolete runbooks\/HighLatency\.md /m);
    const gen = await run(["generate", "--spec", spec, "--out", out]);
    expect(gen.code, gen.err).toBe(EXIT.ok);
    expect(gen.err).toContain(`${out}/METRICS.md had been edited by hand`);
    expect(gen.err).toContain(`${out}/runbooks/HighLatency.md had been edited by hand`);
    expect(statSync(join(out, "METRICS.md")).size).toBeLessThan(1024 * 1024);
    expect(existsSync(join(out, "runbooks", "HighLatency.md"))).toBe(false);
  });
});

describe("an output directory an older obsgen wrote (no manifest)", () => {
  it("is checked by the generated headers, migrated by one generate, and from then on ruled by the manifest", async () => {
    const { spec, out } = await generated();
    const written = readFileSync(join(out, MANIFEST_PATH), "utf8");
    rmSync(join(out, MANIFEST_PATH));
    const header = "# Code generated by obsgen from metrics-spec/git-operations.yaml. DO NOT EDIT.\n";
    writeFileSync(join(out, "runbooks", "Retired.md"), header);
    writeFileSync(join(out, "NOTES.md"), "ours\n");

    const check = await run(["check", "--spec", spec, "--out", out]);
    expect(check.code).toBe(EXIT.findings);
    expect(check.err.split("\n").slice(1, -1)).toEqual([
      "  obsolete runbooks/Retired.md (obsgen wrote it, the spec no longer generates it: generate removes it)",
      "  missing  .obsgen-manifest.json (the list of files obsgen generated; an older obsgen wrote none)",
    ]);

    const migrate = await run(["generate", "--spec", spec, "--out", out]);
    expect(migrate.out.split("\n").slice(1)).toEqual(["  wrote .obsgen-manifest.json", "  removed runbooks/Retired.md"]);
    expect(existsSync(join(out, "runbooks", "Retired.md"))).toBe(false);
    expect(readFileSync(join(out, "NOTES.md"), "utf8")).toBe("ours\n");
    expect(readFileSync(join(out, MANIFEST_PATH), "utf8")).toBe(written);

    // The headers no longer decide: a file with one that the manifest does not list is not obsgen's.
    writeFileSync(join(out, "runbooks", "Copied.md"), header);
    expect((await run(["check", "--spec", spec, "--out", out])).code).toBe(EXIT.ok);
    expect((await run(["generate", "--spec", spec, "--out", out])).out).toBe(`obsgen: 0 file(s) written, 0 removed in ${out}/`);
    expect(existsSync(join(out, "runbooks", "Copied.md"))).toBe(true);
  });
});

describe("a manifest written to attack", () => {
  /**
   * A generated project whose spec has changed (so generate would write and remove files), a
   * victim file beside the output directory, and the manifest edited by `attack`. Both commands
   * must refuse, name the manifest, change nothing in out/ and leave the victim.
   */
  async function attacked(attack: (p: { root: string; out: string; victim: string; manifest: ManifestJson }) => void) {
    const p = await generated();
    const victim = join(p.root, "victim.txt");
    writeFileSync(victim, "not obsgen's\n");
    renameAlert(p.spec);
    attack({ ...p, victim, manifest: readManifestJson(p.out) });
    const before = contents(p.out);
    const gen = await run(["generate", "--spec", p.spec, "--out", p.out]);
    const check = await run(["check", "--spec", p.spec, "--out", p.out]);
    expect(readFileSync(victim, "utf8")).toBe("not obsgen's\n");
    expect(contents(p.out)).toEqual(before);
    expect(existsSync(`${p.out}.obsgen-tmp-${process.pid}`)).toBe(false);
    return { ...p, victim, gen, check, manifestFile: join(p.out, MANIFEST_PATH) };
  }

  function expectRefused(r: { code: number; out: string; err: string }, command: string, ...named: string[]): void {
    expect(r.code, r.err).toBe(EXIT.invalidSpec);
    expect(r.out).toBe("");
    expect(r.err).toMatch(new RegExp(`^obsgen ${command}: `));
    for (const n of named) expect(r.err).toContain(n);
  }

  it.each([
    ["a parent-directory entry", "../victim.txt"],
    ["a parent-directory entry inside a real path", "runbooks/../../victim.txt"],
    ["a '.' segment", "./METRICS.md"],
    ["an empty segment", "runbooks//HighLatency.md"],
    ["a backslash path", "..\\victim.txt"],
    ["a Windows drive path", "C:/victim.txt"],
    ["the manifest itself", MANIFEST_PATH],
    ["an empty path", ""],
  ])("refuses %s, naming the manifest and the entry, and deletes and writes nothing", async (_what, entry) => {
    const r = await attacked(({ out, manifest }) => {
      manifest.files[entry] = { generator: "runbooks", sha256: "0".repeat(64) };
      writeManifestJson(out, manifest);
    });
    expectRefused(r.gen, "generate", r.manifestFile, `entry ${JSON.stringify(entry)}`);
    expectRefused(r.check, "check", r.manifestFile, `entry ${JSON.stringify(entry)}`);
  });

  it("refuses an absolute path to a file outside the output directory", async () => {
    let entry = "";
    const r = await attacked(({ out, victim, manifest }) => {
      entry = victim;
      manifest.files[entry] = { sha256: sha256("not obsgen's\n") };
      writeManifestJson(out, manifest);
    });
    expectRefused(r.gen, "generate", r.manifestFile, `entry ${JSON.stringify(entry)} is an absolute path`);
  });

  it("refuses an entry reached through a symbolic link to a directory outside, which would delete the file it points at", async () => {
    const r = await attacked(({ root, out, manifest }) => {
      symlinkSync(root, join(out, "linked"), "dir");
      manifest.files["linked/victim.txt"] = { sha256: sha256("not obsgen's\n") };
      writeManifestJson(out, manifest);
    });
    expectRefused(r.gen, "generate", r.manifestFile, 'entry "linked/victim.txt" goes through a symbolic link (linked)');
    expectRefused(r.check, "check", 'entry "linked/victim.txt"');
  });

  it("refuses an entry that is itself a symbolic link, or a directory", async () => {
    const link = await attacked(({ out, victim, manifest }) => {
      symlinkSync(victim, join(out, "runbooks", "Old.md"));
      manifest.files["runbooks/Old.md"] = { sha256: sha256("not obsgen's\n") };
      writeManifestJson(out, manifest);
    });
    expectRefused(link.gen, "generate", 'entry "runbooks/Old.md" goes through a symbolic link (runbooks/Old.md)');
    const dir = await attacked(({ out, manifest }) => {
      manifest.files.runbooks = { sha256: "0".repeat(64) };
      writeManifestJson(out, manifest);
    });
    expectRefused(dir.gen, "generate", 'entry "runbooks" is not a plain file on disk (a directory)');
  });

  it("refuses a manifest that is not JSON, not an object, of another format, or whose entry has no sha256", async () => {
    const cases: [string, string][] = [
      ['{"files": {', "is not valid JSON"],
      ["[]\n", "is not a JSON object"],
      [`${JSON.stringify({ files: {}, format: 2 })}\n`, "has format 2, not 1: another version of obsgen wrote it"],
      [`${JSON.stringify({ format: 1 })}\n`, 'has no "files" object'],
      [`${JSON.stringify({ files: { "METRICS.md": { sha256: "abc" } }, format: 1 })}\n`, 'entry "METRICS.md" has no "sha256" of 64 lowercase hex digits'],
    ];
    for (const [text, why] of cases) {
      const r = await attacked(({ out }) => writeFileSync(join(out, MANIFEST_PATH), text));
      expectRefused(r.gen, "generate", `${r.manifestFile}: ${why}`);
      expectRefused(r.check, "check", `${r.manifestFile}: ${why}`);
    }
  });

  it("refuses a manifest larger than 4 MiB without parsing it", async () => {
    const r = await attacked(({ out, manifest }) => {
      writeManifestJson(out, { ...manifest, __comment: "x".repeat(5 * 1024 * 1024) });
    });
    expectRefused(r.gen, "generate", r.manifestFile, "more than the 4194304 a manifest may have");
  });

  it("refuses a manifest that is a symbolic link (here to /dev/zero, which never ends) or a FIFO, without reading it", async () => {
    const link = await attacked(({ out }) => {
      rmSync(join(out, MANIFEST_PATH));
      symlinkSync("/dev/zero", join(out, MANIFEST_PATH));
    });
    expectRefused(link.gen, "generate", `${link.manifestFile}: is a symbolic link`);
    const fifo = await attacked(({ out }) => {
      rmSync(join(out, MANIFEST_PATH));
      const made = spawnSync("mkfifo", [join(out, MANIFEST_PATH)]);
      expect(made.status, made.stderr.toString()).toBe(0);
    });
    expectRefused(fifo.gen, "generate", `${fifo.manifestFile}: is not a plain file`);
  });
});

describe("an output directory with a link out of it", () => {
  it.each([
    ["with a manifest that does not list the linked directory's files", false],
    ["without a manifest (an older obsgen's directory)", true],
  ])("refuses to write or remove a generated file through a symbolic link to a directory outside, %s", async (_what, withoutManifest) => {
    const { root, spec, out } = await generated();
    const elsewhere = join(root, "elsewhere");
    cpSync(join(out, "runbooks"), elsewhere, { recursive: true });
    rmSync(join(out, "runbooks"), { recursive: true });
    symlinkSync(elsewhere, join(out, "runbooks"), "dir");
    if (withoutManifest) rmSync(join(out, MANIFEST_PATH));
    else {
      const manifest = readManifestJson(out);
      manifest.files = Object.fromEntries(Object.entries(manifest.files).filter(([path]) => !path.startsWith("runbooks/")));
      writeManifestJson(out, manifest);
    }
    const before = contents(elsewhere);
    renameAlert(spec);
    for (const command of ["generate", "check"]) {
      const r = await run([command, "--spec", spec, "--out", out]);
      expect(r.code, r.err).toBe(EXIT.invalidSpec);
      expect(r.err).toMatch(new RegExp(`^obsgen ${command}: ${join(out, "runbooks")}/\\S+\\.md: goes through a symbolic link \\(runbooks\\)`));
    }
    expect(contents(elsewhere)).toEqual(before);
  });

  it("does not follow a link out of an older obsgen's directory when it looks for generated headers, so removes nothing outside", async () => {
    const { root, spec, out } = await generated();
    rmSync(join(out, MANIFEST_PATH));
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    const theirs = join(elsewhere, "Retired.md");
    writeFileSync(theirs, "# Code generated by obsgen from metrics-spec/git-operations.yaml. DO NOT EDIT.\n");
    symlinkSync(elsewhere, join(out, "old-runbooks"), "dir");
    const r = await run(["generate", "--spec", spec, "--out", out]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out.split("\n")).toEqual([`obsgen: 1 file(s) written, 0 removed in ${out}/`, "  wrote .obsgen-manifest.json"]);
    expect(existsSync(theirs)).toBe(true);
  });
});
