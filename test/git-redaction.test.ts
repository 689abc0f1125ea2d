// Random credentials, in every URL form a caller can send (https, http, git, ssh, scp-like), fed
// through every way an operation can fail — validation, a refused connection, an authentication
// failure, a repository that does not exist on a remote that echoes the credentials it received —
// and through the runtime-wide credentials: the secret appears in no result, no thrown validation
// error, no log line and no metric.
import { createServer, type Server } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../src/runtime/git/input.ts";
import { REDACTION_PATTERNS, Redactor } from "../src/runtime/git/redact.ts";
import type { LogLine } from "../src/runtime/git/runtime.ts";
import { closedPort, createRemotes, type GitHttpServer, type Remotes, startGitHttpServer } from "./support/git-remote.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";

// Printable ASCII without space: every character a password can hold in a URL once encoded.
const secretChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const secret = fc.array(secretChar, { minLength: 10, maxLength: 24 }).map((cs) => `S${cs.join("")}`);
const user = fc.stringMatching(/^[a-z][a-z0-9_-]{2,10}$/);

/** The forms the secret may take in text: as given, percent-encoded, as WHATWG URL encodes it. */
function forms(password: string): string[] {
  const url = new URL("https://h");
  url.password = password;
  return [password, encodeURIComponent(password), url.password];
}

function leaks(text: string, password: string): string | undefined {
  return forms(password).find((f) => text.includes(f));
}

describe("redaction of URL credentials in text", () => {
  it("masks the userinfo of every URL form wherever it appears in a line, registered or not", () => {
    fc.assert(
      fc.property(user, secret, fc.constantFrom("https", "http", "git", "ssh", "scp"), (u, password, form) => {
        const encoded = encodeURIComponent(password);
        const url = form === "scp" ? `${u}:${encoded}@git.example.com:org/repo.git` : `${form}://${u}:${encoded}@git.example.com/org/repo.git`;
        const lines = [`fatal: unable to access '${url}/': Could not resolve host`, `remote ${url} rejected`, `(${url})`, `url=${url}`];
        const out = new Redactor().text(lines.join("\n"));
        expect(leaks(out, password), out).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it("masks a password holding a raw '@' in a URL whole", () => {
    expect(new Redactor().text("https://bob:p@ss-word@host/r.git")).toBe("https://***@host/r.git");
  });
});

describe("credentials through every failure of the runtime", () => {
  let remotes: Remotes;
  let backend: GitHttpServer;
  let missing: Server;
  let missingPort: number;

  beforeAll(async () => {
    remotes = await createRemotes();
    await remotes.bare("real");
    backend = await startGitHttpServer(remotes.root, "right-user", "right-password-123");
    // A hostile remote: it asks for credentials, then answers 404 with a text/plain body that
    // repeats them, which git prints as `remote: …` lines into its error output.
    missing = createServer((req, res) => {
      const auth = req.headers.authorization;
      if (auth === undefined) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
        res.end("who are you\n");
        return;
      }
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end(`no such repository for ${Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8")}\n`);
    });
    await new Promise<void>((resolve) => missing.listen(0, "127.0.0.1", resolve));
    const address = missing.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    missingPort = address.port;
  });

  afterAll(async () => {
    missing?.closeAllConnections();
    await new Promise<void>((resolve) => (missing ? missing.close(() => resolve()) : resolve()));
    await backend?.stop();
    await remotes?.cleanup();
  });

  it("leaks a random secret into no result, validation error, log line or metric", async () => {
    const closed = await closedPort();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(user, secret, secret, async (u, password, runtimePassword) => {
        const lines: LogLine[] = [];
        const rt: TestRuntime = await createTestRuntime({
          credentials: { username: "runtime-user", password: runtimePassword },
          credentialHosts: [`127.0.0.1:${backend.port}`, `127.0.0.1:${missingPort}`],
          log: (line) => lines.push(line),
        });
        try {
          const e = encodeURIComponent(password);
          const agent = `agent-${n++}`;
          const body = (repo_url: string, extra: Record<string, unknown> = {}) => ({ repo_url, branch: "main", agent_id: agent, task_id: "t", ...extra });
          const outcomes: unknown[] = [];
          const attempt = async (op: "clone" | "push", b: Record<string, unknown>) => {
            try {
              outcomes.push(await rt.git.run(op, b));
            } catch (error) {
              if (!(error instanceof ValidationError)) throw error;
              outcomes.push({ message: error.message, problems: error.problems });
            }
          };
          // Validation failures: a bad field beside a URL with credentials, forms git cannot take.
          await attempt("clone", body(`https://${u}:${e}@git.example.com/r.git`, { branch: "HEAD" }));
          await attempt("clone", body(`git://${u}:${e}@127.0.0.1:${closed}/r.git`));
          await attempt("clone", body(`${u}:${e}@git.example.com:r.git`));
          await attempt("push", body(`ssh://${u}:${e}@git.example.com/r.git`, { commit: { message: "\u0000", files: [{ path: "f", content: "" }] } }));
          // Network failures: nothing listens.
          await attempt("clone", body(`http://${u}:${e}@127.0.0.1:${closed}/r.git`));
          await attempt("clone", body(`ssh://${u}:${e}@127.0.0.1:${closed}/r.git`));
          // Authentication failure: wrong credentials in the URL; then the runtime's own, refused.
          await attempt("clone", body(`http://${u}:${e}@127.0.0.1:${backend.port}/real.git`));
          await attempt("clone", { ...body(backend.url("real")), agent_id: `${agent}-rt` });
          // A repository that does not exist, with the URL's and with the runtime's credentials.
          await attempt("clone", { ...body(`http://${u}:${e}@127.0.0.1:${missingPort}/nope.git`), agent_id: `${agent}-404` });
          await attempt("clone", { ...body(`http://127.0.0.1:${missingPort}/nope.git`), agent_id: `${agent}-404rt` });
          expect(outcomes).toHaveLength(10);
          const everything = [JSON.stringify(outcomes), ...lines.map((l) => JSON.stringify(l)), await rt.metrics.registry.metrics()].join("\n");
          expect(leaks(everything, password), "the URL's password").toBeUndefined();
          expect(leaks(everything, runtimePassword), "the runtime's password").toBeUndefined();
          // The failures really happened as the kinds they stand for.
          expect(everything).toMatch(/"type":"network"/);
          expect(everything).toMatch(/"type":"auth"/);
        } finally {
          await rt.dispose();
        }
      }),
      { numRuns: 8 },
    );
  }, 180_000);
});

describe("the redactor's literal tests", () => {
  // Pieces of URLs, scp-like addresses, authorization headers and tokens, so random texts hit
  // every pattern, and the look-arounds' edges (quotes, brackets, whitespace).
  const piece = fc.constantFrom(
    "https://", "git://", "ssh://", "x:", "user", ":", "@", "@host:", "@h.example:", "/", " ", "\t", "\n", "'", '"', "(", "<", "=",
    "Bearer ", "bearer\t", "Basic ", "basic ", "QWxhZGRpbjpvcGVu", "ghp_", "github_pat_", "glpat-", "A1b2C3d4E5f6G7h8I9j0K", "[", "]", "-", ".", "@@ -1 +1 @@",
  );
  const text = fc.array(piece, { maxLength: 30 }).map((ps) => ps.join(""));

  it("mask exactly what every pattern applied to the whole text masks: they only skip patterns that cannot match", () => {
    const redactor = new Redactor();
    fc.assert(
      fc.property(text, (t) => {
        let expected = t;
        for (const [pattern] of REDACTION_PATTERNS) expected = expected.replace(pattern, "***");
        expect(redactor.text(t)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
