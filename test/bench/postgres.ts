/**
 * The benchmark's PostgreSQL: DATABASE_URL when set (left as it is), else a
 * throwaway cluster on a free loopback port, started the way .ci/run does
 * it (initdb refuses root, so as the postgres user; fsync off like CI, which
 * keeps disk noise of this shared VM out of the gateway's figures; the
 * README says so next to the table).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, chownSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";

export interface Postgres {
  url: string;
  /** "throwaway PostgreSQL 15 (fsync=off)" or "DATABASE_URL". */
  label: string;
  /** The postmaster, when we started it: its backends' CPU is reported per request. */
  postmasterPid: number | undefined;
  stop(): Promise<void>;
}

function pgBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, "bin", "initdb"))) return join(root, v, "bin");
  throw new Error("no PostgreSQL server binaries under /usr/lib/postgresql: install postgresql, or set DATABASE_URL");
}

/** Runs a command as the postgres user when we are root (initdb and postgres refuse root). */
function asPostgres(argv: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const cmd = isRoot ? ["su", "postgres", "-s", "/bin/sh", "-c", argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ")] : argv;
  const result = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} failed (${result.exitCode}): ${result.stderr.toString()}${result.stdout.toString()}`);
  }
}

export async function startPostgres(): Promise<Postgres> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, label: "DATABASE_URL", postmasterPid: undefined, stop: async () => {} };
  }
  const bin = pgBinDir();
  const version = Bun.spawnSync([join(bin, "postgres"), "--version"]).stdout.toString().match(/\d+(\.\d+)?/)?.[0] ?? "?";
  const dir = mkdtempSync(join(tmpdir(), "opentoken-bench-pg-"));
  if (process.getuid?.() === 0) {
    const pw = Bun.spawnSync(["id", "-u", "postgres"]).stdout.toString().trim();
    const gid = Bun.spawnSync(["id", "-g", "postgres"]).stdout.toString().trim();
    chownSync(dir, Number(pw), Number(gid));
  }
  const port = await freePort();
  const data = join(dir, "data");
  const stop = async () => {
    try {
      asPostgres([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]);
    } catch {
      // Already gone.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    asPostgres([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"]);
    asPostgres([
      join(bin, "pg_ctl"), "-D", data, "-l", join(dir, "log"), "-w",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off`,
      "start",
    ]);
    asPostgres([join(bin, "createdb"), "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "opentoken_bench"]);
  } catch (error) {
    await stop();
    throw error;
  }
  const postmasterPid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/opentoken_bench`,
    label: `throwaway PostgreSQL ${version} (fsync=off)`,
    postmasterPid,
    stop,
  };
}
