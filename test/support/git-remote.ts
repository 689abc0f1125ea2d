// Real git remotes on 127.0.0.1 for the runtime's tests: bare repositories served by
// `git http-backend` (as CGI, behind HTTP basic auth), a server that accepts and never answers,
// and a port nobody listens on.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** An environment for git commands the tests run themselves (never the runtime's sandboxes). */
export function testGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"],
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: join(home, "gitconfig"),
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Seeder",
    GIT_AUTHOR_EMAIL: "seeder@example.invalid",
    GIT_COMMITTER_NAME: "Seeder",
    GIT_COMMITTER_EMAIL: "seeder@example.invalid",
    LANG: "C",
  };
}

export async function git(args: string[], cwd: string, home: string): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: testGitEnv(home) });
  return stdout;
}

export interface Remotes {
  root: string;
  /** Makes a bare repository `name.git` with one commit on main holding `files`; returns its path. */
  bare(name: string, files?: Record<string, string>): Promise<string>;
  /**
   * Makes a bare repository `name.git` whose one commit on main holds what `build` puts in a work
   * tree (symlinks included, as a hostile remote would serve them); returns its path.
   */
  bareWith(name: string, build: (dir: string) => Promise<void>): Promise<string>;
  /** Files changed by the newest commit on a branch. */
  lastCommitFiles(name: string, branch?: string): Promise<string[]>;
  /** Number of commits on a branch of a bare repository. */
  countCommits(name: string, branch?: string): Promise<number>;
  /** Subjects of the commits on a branch, newest first. */
  subjects(name: string, branch?: string): Promise<string[]>;
  /** Commits `files` straight into the bare repository's branch, as another writer would. */
  commitAsOther(name: string, files: Record<string, string>, message: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createRemotes(): Promise<Remotes> {
  const root = await mkdtemp(join(tmpdir(), "obsgen-remotes-"));
  const home = join(root, "home");
  await run("mkdir", ["-p", home]);
  await writeFile(join(home, "gitconfig"), "");
  const path = (name: string) => join(root, `${name}.git`);
  let seeds = 0;
  async function withWorkTree(name: string, fn: (dir: string) => Promise<void>): Promise<void> {
    const dir = join(root, `work-${seeds++}`);
    await git(["clone", "-q", path(name), dir], root, home);
    await fn(dir);
    await rm(dir, { recursive: true, force: true });
  }
  return {
    root,
    async bare(name, files = { "README.md": `# ${name}\n` }) {
      await git(["init", "-q", "--bare", "-b", "main", path(name)], root, home);
      await withWorkTree(name, async (dir) => {
        await git(["checkout", "-q", "-b", "main"], dir, home);
        for (const [f, content] of Object.entries(files)) await writeFile(join(dir, f), content);
        await git(["add", "."], dir, home);
        await git(["commit", "-q", "-m", "initial"], dir, home);
        await git(["push", "-q", "origin", "main"], dir, home);
      });
      return path(name);
    },
    async bareWith(name, build) {
      await git(["init", "-q", "--bare", "-b", "main", path(name)], root, home);
      await withWorkTree(name, async (dir) => {
        await git(["checkout", "-q", "-b", "main"], dir, home);
        await build(dir);
        await git(["add", "-A"], dir, home);
        await git(["commit", "-q", "-m", "initial"], dir, home);
        await git(["push", "-q", "origin", "main"], dir, home);
      });
      return path(name);
    },
    async lastCommitFiles(name, branch = "main") {
      return (await git(["show", "--format=", "--name-only", branch], path(name), home)).split("\n").filter((f) => f !== "");
    },
    async countCommits(name, branch = "main") {
      return Number((await git(["rev-list", "--count", branch], path(name), home)).trim());
    },
    async subjects(name, branch = "main") {
      return (await git(["log", "--format=%s", branch], path(name), home)).split("\n").filter((s) => s !== "");
    },
    async commitAsOther(name, files, message) {
      await withWorkTree(name, async (dir) => {
        for (const [f, content] of Object.entries(files)) await writeFile(join(dir, f), content);
        await git(["add", "."], dir, home);
        await git(["commit", "-q", "-m", message], dir, home);
        await git(["push", "-q", "origin", "HEAD:main"], dir, home);
      });
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export interface GitHttpServer {
  /** http://127.0.0.1:port/name.git */
  url(name: string): string;
  port: number;
  stop(): Promise<void>;
}

export interface GitHttpServerOptions {
  /** Runs after each fetch (upload-pack) is served and before its response ends. */
  afterFetch?: (path: string) => Promise<void>;
}

/** `git http-backend` over `projectRoot`, requiring basic auth `username:password`. */
export async function startGitHttpServer(projectRoot: string, username: string, password: string, opts: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    cgi(projectRoot, username, req, res, opts.afterFetch);
  });
  return listen(server, (port) => ({
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    stop: () => closeServer(server),
  }));
}

function cgi(projectRoot: string, user: string, req: IncomingMessage, res: ServerResponse, afterFetch?: (path: string) => Promise<void>): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    HOME: projectRoot,
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_USER: user,
    REMOTE_ADDR: "127.0.0.1",
    HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
    HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
  };
  if (req.headers["content-length"] !== undefined) env["CONTENT_LENGTH"] = req.headers["content-length"];
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "ignore"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => undefined);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => {
    if (!headersDone) res.writeHead(500);
    const isFetch = req.method === "POST" && url.pathname.endsWith("/git-upload-pack");
    const after = isFetch && afterFetch ? afterFetch(url.pathname) : Promise.resolve();
    after.then(
      () => res.end(),
      () => res.destroy(),
    );
  });
}

/** A TCP server that accepts connections and never answers: git waits until it is killed. */
export async function startHangingServer(): Promise<{ port: number; url: (name: string) => string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: (name) => `http://127.0.0.1:${port}/${name}.git`,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago and has nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Listens on a free port of 127.0.0.1 and returns it. */
export async function listenOnLoopback(server: NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function listen<T>(server: Server, make: (port: number) => T): Promise<T> {
  return make(await listenOnLoopback(server));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
