// Where the runtime-wide credentials (GIT_USERNAME / GIT_PASSWORD) may go, tested against loopback
// listeners that answer every request with 401 and a Basic challenge and record each Authorization
// header they receive: git, refused, asks the runtime's askpass for credentials, and whatever it
// is given arrives at the listener.
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialHostsFromEnv, grantFor } from "../src/runtime/git/credentials.ts";
import { createTestRuntime, type TestRuntime } from "./support/git-runtime.ts";
import { listenOnLoopback } from "./support/git-remote.ts";

const USER = "runtime-bot";
const PASSWORD = "runtime-wide-secret-0b9e";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

interface Listener {
  port: number;
  url: (name: string) => string;
  /** Authorization headers received, in order ("" for a request without one). */
  authorizations: string[];
  stop: () => Promise<void>;
}

/** Answers 401 with a Basic challenge, or redirects every request to `redirectTo` when given. */
async function startListener(redirectTo?: Listener): Promise<Listener> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(req.headers.authorization ?? "");
    if (redirectTo !== undefined) {
      res.writeHead(302, { Location: `http://127.0.0.1:${redirectTo.port}${req.url ?? "/"}` });
    } else {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
    }
    res.end();
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    authorizations,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const req = (repo_url: string, agent_id: string) => ({ repo_url, branch: "main", agent_id, task_id: "creds" });

describe("the runtime's credentials and GIT_CREDENTIAL_HOSTS", () => {
  let listener: Listener;
  let rt: TestRuntime | undefined;

  beforeAll(async () => {
    listener = await startListener();
  });
  afterEach(async () => {
    await rt?.dispose();
    rt = undefined;
    listener.authorizations.length = 0;
  });
  afterAll(() => listener.stop());

  it("sends them to no host when GIT_CREDENTIAL_HOSTS is unset", async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD } });
    const result = await rt.git.run("clone", req(listener.url("r"), "a1"));
    expect(result).toMatchObject({ ok: false, error: { type: "auth" } });
    // git names the askpass helper it ran by its absolute path; the caller sees no sandbox path.
    expect(JSON.stringify(result)).toContain("<sandbox>");
    expect(JSON.stringify(result)).not.toContain(rt.sandboxRoot);
    expect(listener.authorizations.length).toBeGreaterThan(0);
    expect(listener.authorizations.filter((a) => a !== "")).toEqual([]);
  });

  it("sends them to no host that is not listed, even the same host on another port", async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: ["git.example.com", `127.0.0.1:${listener.port + 1}`] });
    expect(await rt.git.run("clone", req(listener.url("r"), "a2"))).toMatchObject({ ok: false, error: { type: "auth" } });
    expect(listener.authorizations.length).toBeGreaterThan(0);
    expect(listener.authorizations.filter((a) => a !== "")).toEqual([]);
  });

  it("sends them to a listed host:port", async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${listener.port}`] });
    expect(await rt.git.run("clone", req(listener.url("r"), "a3"))).toMatchObject({ ok: false, error: { type: "auth" } });
    expect(listener.authorizations).toContain(BASIC);
  });

  it("does not follow a listed host's redirect to another host with them", async () => {
    const redirecting = await startListener(listener);
    try {
      rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD }, credentialHosts: [`127.0.0.1:${redirecting.port}`] });
      expect(await rt.git.run("clone", req(redirecting.url("r"), "a4"))).toMatchObject({ ok: false, error: { type: "auth" } });
      expect(listener.authorizations.length).toBeGreaterThan(0);
      expect([...listener.authorizations, ...redirecting.authorizations].filter((a) => a !== "")).toEqual([]);
    } finally {
      await redirecting.stop();
    }
  });

  it("sends a URL's own credentials to that URL's host only, listed or not", async () => {
    rt = await createTestRuntime({ credentials: { username: USER, password: PASSWORD } });
    const own = listener.url("r").replace("http://", "http://caller:caller-own-secret@");
    expect(await rt.git.run("clone", req(own, "a5"))).toMatchObject({ ok: false, error: { type: "auth" } });
    expect(listener.authorizations).toContain(`Basic ${Buffer.from("caller:caller-own-secret").toString("base64")}`);
    expect(listener.authorizations).not.toContain(BASIC);
  });
});

describe("the credential policy", () => {
  const creds = { username: USER, password: PASSWORD };

  it("grants them over https only, unless local remotes are allowed (tests), then over http too", () => {
    const policy = { hosts: ["git.example.com"], allowLocalRemotes: false };
    expect(grantFor("https://git.example.com/r.git", undefined, creds, policy)).toEqual({ origin: "https://git.example.com", credentials: creds });
    expect(grantFor("http://git.example.com/r.git", undefined, creds, policy)).toBeUndefined();
    expect(grantFor("http://git.example.com/r.git", undefined, creds, { ...policy, allowLocalRemotes: true })).toMatchObject({ origin: "http://git.example.com" });
    expect(grantFor("ssh://git@git.example.com/r.git", undefined, creds, policy)).toBeUndefined();
    expect(grantFor("git@git.example.com:r.git", undefined, creds, policy)).toBeUndefined();
  });

  it("matches a bare host on the default port only, and host:port on that port", () => {
    const policy = { hosts: ["git.example.com", "other.example:8443"], allowLocalRemotes: false };
    expect(grantFor("https://GIT.example.com:443/r.git", undefined, creds, policy)).toBeDefined();
    expect(grantFor("https://git.example.com:8443/r.git", undefined, creds, policy)).toBeUndefined();
    expect(grantFor("https://other.example:8443/r.git", undefined, creds, policy)).toEqual({ origin: "https://other.example:8443", credentials: creds });
    expect(grantFor("https://other.example/r.git", undefined, creds, policy)).toBeUndefined();
    expect(grantFor("https://evil.example/r.git", undefined, creds, policy)).toBeUndefined();
  });

  it("reads GIT_CREDENTIAL_HOSTS as comma-separated host or host:port, and rejects anything else naming the variable", () => {
    expect(credentialHostsFromEnv({})).toEqual([]);
    expect(credentialHostsFromEnv({ GIT_CREDENTIAL_HOSTS: "" })).toEqual([]);
    expect(credentialHostsFromEnv({ GIT_CREDENTIAL_HOSTS: " GitHub.com, git.corp:8443 ,,[::1]:3000" })).toEqual(["github.com", "git.corp:8443", "[::1]:3000"]);
    for (const bad of ["https://github.com", "github.com/org", "user@github.com", "host:port"]) {
      expect(() => credentialHostsFromEnv({ GIT_CREDENTIAL_HOSTS: bad }), bad).toThrow(/GIT_CREDENTIAL_HOSTS/);
    }
  });
});
