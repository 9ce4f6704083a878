import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.ts";

/**
 * PGlite is a single-process database: a second process opening the same
 * directory would corrupt it. A pid file keeps a CLI command from opening
 * the data directory of a running gateway; a stale file (its process is
 * gone, e.g. after SIGKILL) is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, "opentoken.lock");
  try {
    writeFileSync(path, String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const holder = Number(readFileSync(path, "utf8"));
    if (holder !== process.pid && isAlive(holder)) {
      throw new UserError(
        `the embedded database in ${dir} is in use by process ${holder} (a running gateway?). ` +
          "Stop it first, or set DATABASE_URL to share a PostgreSQL server between processes.",
      );
    }
    writeFileSync(path, String(process.pid));
  }
  return () => rmSync(path, { force: true });
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
