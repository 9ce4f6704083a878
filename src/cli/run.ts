import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/client.ts";
import { ApiError, UserError } from "../errors.ts";
import { findWorkspace } from "../workspaces/workspaces.ts";
import { parseArgs } from "./args.ts";
import type { CliContext, Command } from "./command.ts";
import { adminKeyCreate, adminKeyList, adminKeyRevoke } from "./commands/admin-key.ts";
import { creditAdd } from "./commands/credit.ts";
import { keyCreate, keyList, keyRevoke } from "./commands/key.ts";
import { ledger, ledgerVerify } from "./commands/ledger.ts";
import { modelsList } from "./commands/models.ts";
import { migrate, serve } from "./commands/serve.ts";
import { supplierAdd, supplierDisable, supplierEnable, supplierList, supplierRemove } from "./commands/supplier.ts";
import { usage } from "./commands/usage.ts";
import { workspaceCreate, workspaceList } from "./commands/workspace.ts";

const COMMANDS: Command[] = [
  serve,
  migrate,
  workspaceCreate,
  workspaceList,
  creditAdd,
  keyCreate,
  keyList,
  keyRevoke,
  usage,
  ledger,
  ledgerVerify,
  modelsList,
  supplierAdd,
  supplierList,
  supplierDisable,
  supplierEnable,
  supplierRemove,
  adminKeyCreate,
  adminKeyList,
  adminKeyRevoke,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    "OpenToken: an OpenAI-compatible LLM gateway",
    "",
    "usage: opentoken <command> [options]   (no command = serve)",
    "",
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --help. The database is DATABASE_URL, or embedded PGlite in OPENTOKEN_DATA_DIR.",
  ].join("\n");
}

/** Finds the command named by the first one or two words. */
function resolve(argv: string[]): { command?: Command; rest: string[] } {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return { command: one, rest: argv.slice(1) };
}

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], print = (text: string) => console.log(text)): Promise<number> {
  if (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    print(overview());
    return 0;
  }
  const { command, rest } = argv.length === 0 ? { command: serve, rest: [] } : resolve(argv);
  try {
    if (!command) {
      const group = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
      const usages = group.map((c) => `  opentoken ${c.usage}`).join("\n");
      if (group.length > 0 && (argv[1] === "--help" || argv[1] === "-h")) {
        print(`usage:\n${usages}`);
        return 0;
      }
      if (group.length > 0) throw new UserError(`"${argv.join(" ")}" is not a command; try:\n${usages}`);
      throw new UserError(`unknown command "${argv[0]}"; run "opentoken --help"`);
    }
    const args = parseArgs(rest, command.valueFlags ?? []);
    if (args.flags.has("help")) {
      print(`usage: opentoken ${command.usage}\n\n${command.summary}`);
      return 0;
    }
    const config = loadConfig();
    const withDatabase: CliContext["withDatabase"] = async (fn) => {
      const database = await openDatabase(config);
      try {
        await database.migrate();
        return await fn(database.db);
      } finally {
        await database.close();
      }
    };
    const context: CliContext = {
      config,
      print,
      withDatabase,
      withWorkspace: (nameOrId, fn) => withDatabase(async (db) => fn(db, await findWorkspace(db, nameOrId))),
    };
    await command.run(args, context);
    return 0;
  } catch (error) {
    console.error(`error: ${describe(error)}`);
    return 1;
  }
}

/** User mistakes and operational failures get one line; only real bugs get a stack trace. */
function describe(error: unknown): string {
  // The operations the CLI shares with the admin API refuse with the API's errors: one line here too.
  if (error instanceof UserError || error instanceof ApiError) return error.message;
  if (error instanceof Error && isOperational(error)) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Connection failures (ECONNREFUSED, ...) and PostgreSQL errors carry a string code. */
const isOperational = (error: Error) => typeof (error as { code?: unknown }).code === "string";
