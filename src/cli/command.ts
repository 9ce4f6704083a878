import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Workspace } from "../workspaces/workspaces.ts";
import type { ParsedArgs } from "./args.ts";

export interface CliContext {
  config: Config;
  print(text: string): void;
  /** Opens the configured database with migrations applied, runs `fn`, closes it. */
  withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  /** `withDatabase` for commands on one workspace, named by name or id ("not found" is a user error). */
  withWorkspace<T>(nameOrId: string, fn: (db: Database, workspace: Workspace) => Promise<T>): Promise<T>;
}

export interface Command {
  /** One or two words, e.g. `serve` or `key create`. */
  name: string;
  usage: string;
  summary: string;
  /** Options that take a value; `--help` is always accepted. */
  valueFlags?: readonly string[];
  /** Returns only for commands that finish; `serve` keeps the process alive. */
  run(args: ParsedArgs, context: CliContext): Promise<void>;
}

/** Reads a flag that takes a value, or undefined. */
export const flag = (args: ParsedArgs, name: string) => {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
};
