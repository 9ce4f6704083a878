import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eq, sql } from "drizzle-orm";
import { createApiKey } from "../../src/auth/keys.ts";
import { writeSettlements } from "../../src/billing/settlement-writer.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase } from "../../src/db/client.ts";
import { billingAccounts } from "../../src/db/schema.ts";
import { randomBase62 } from "../../src/util/random.ts";
import { findWorkspace } from "../../src/workspaces/workspaces.ts";
import { spawnTracked, stopStartedProcesses } from "../support/processes.ts";

// The CLI end to end, as an operator runs it: one process per command, on
// DATABASE_URL when set (CI), else on an embedded database in a temp dir.
/** Each test starts real processes: explicit time, so a busy machine slows them down without failing them. */
const SLOW_TEST_MS = 60_000;
const dataDir = mkdtempSync(join(tmpdir(), "opentoken-cli-"));
const main = resolve(import.meta.dir, "../../src/main.ts");
const ws = `cli-${randomBase62(8)}`;
afterAll(async () => {
  await stopStartedProcesses();
  rmSync(dataDir, { recursive: true, force: true });
}, SLOW_TEST_MS);

async function cli(...args: string[]) {
  const child = spawnTracked(["bun", main, ...args], {
    env: { ...process.env, OPENTOKEN_DATA_DIR: dataDir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout as ReadableStream).text(),
    new Response(child.stderr as ReadableStream).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}

test("migrate, workspace create/list and credit add keep the balance exact", async () => {
  expect((await cli("migrate")).code).toBe(0);
  const created = await cli("workspace", "create", ws, "--credit", "12.5");
  expect(created.code).toBe(0);
  expect(created.stdout).toContain(`created workspace ${ws}`);
  const credited = await cli("credit", "add", ws, "0.000000001", "--note", "one nano");
  expect(credited.stdout).toContain("balance $12.500000001");
  const list = await cli("workspace", "list");
  expect(list.stdout).toMatch(new RegExp(`${ws}\\s+12\\.500000001`));
}, SLOW_TEST_MS);

test("key create prints the key once; key list never shows it; key revoke takes the prefix as listed, or the full key", async () => {
  const created = await cli("key", "create", ws, "--name", "ci", "--spend-limit", "3", "--expires", "2031-01-01T00:00:00Z");
  expect(created.code).toBe(0);
  const key = created.stdout.split("\n")[0]!;
  expect(key).toMatch(/^sk-optk-[0-9A-Za-z]{40}$/);
  const list = await cli("key", "list", ws);
  expect(list.stdout).not.toContain(key);
  expect(list.stdout).toContain(`${key.slice(0, 12)}…`);
  expect(list.stdout).toMatch(/ci\s+active\s+3\.00\s+never\s+2031-01-01T00:00:00Z/);
  const revoked = await cli("key", "revoke", `${key.slice(0, 12)}…`);
  expect(revoked.code).toBe(0);
  expect((await cli("key", "list", ws)).stdout).toMatch(/ci\s+revoked/);

  const second = (await cli("key", "create", ws, "--name", "full")).stdout.split("\n")[0]!;
  expect((await cli("key", "revoke", second)).code).toBe(0);
  expect((await cli("key", "list", ws)).stdout).toMatch(/full\s+revoked/);
}, SLOW_TEST_MS);

test("admin-key create prints the key once; admin-key list never shows it; admin-key revoke takes the listed prefix or the full key", async () => {
  const name = `ops-${randomBase62(6)}`;
  const created = await cli("admin-key", "create", "--name", name);
  expect(created.code).toBe(0);
  const key = created.stdout.split("\n")[0]!;
  expect(key).toMatch(/^sk-optk-[0-9A-Za-z]{40}$/);
  const list = (await cli("admin-key", "list")).stdout;
  expect(list).not.toContain(key);
  expect(list).toMatch(new RegExp(`${key.slice(0, 12)}…\\s+${name}\\s+active`));
  expect((await cli("admin-key", "revoke", `${key.slice(0, 12)}…`)).code).toBe(0);
  expect((await cli("admin-key", "list")).stdout).toMatch(new RegExp(`${name}\\s+revoked`));

  const second = (await cli("admin-key", "create", "--name", `${name}-2`)).stdout.split("\n")[0]!;
  expect((await cli("admin-key", "revoke", second)).code).toBe(0);
  expect((await cli("admin-key", "list")).stdout).toMatch(new RegExp(`${name}-2\\s+revoked`));
  const unknown = await cli("admin-key", "revoke", "sk-optk-nope");
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toContain('no management key matches "sk-optk-nope"');
}, SLOW_TEST_MS);

test("key create --limit-reset gives a periodic spend limit", async () => {
  const created = await cli("key", "create", ws, "--name", "daily", "--spend-limit", "1.5", "--limit-reset", "daily");
  expect(created.code).toBe(0);
  expect((await cli("key", "list", ws)).stdout).toMatch(/daily\s+active\s+1\.50\s+daily/);
  expect((await cli("key", "create", ws, "--limit-reset", "daily")).stderr).toContain("--limit-reset needs --spend-limit");
  expect((await cli("key", "create", ws, "--spend-limit", "1", "--limit-reset", "hourly")).code).toBe(1);
}, SLOW_TEST_MS);

test("usage, ledger and ledger verify report what settlement wrote", async () => {
  const database = await openDatabase(loadConfig({ ...process.env, OPENTOKEN_DATA_DIR: dataDir }));
  try {
    const workspace = await findWorkspace(database.db, ws);
    const { row: key } = await createApiKey(database.db, workspace.id);
    const settlement = (modelId: string, cost: bigint, suffix: string) => ({
      requestId: `req_cli_${workspace.id}_${suffix}`,
      workspaceId: workspace.id,
      keyId: key.id,
      modelId,
      usage: { promptTokens: 100, completionTokens: 20, cachedTokens: 40, cacheWriteTokens: 0, reasoningTokens: 5 },
      cost,
      estimated: suffix === "c",
      supplier: modelId.split("/")[0]!,
      status: "completed" as const,
      durationMs: 10,
      ttfbMs: 5,
      holdId: "hold_none",
      holdUsed: 0n,
      periodStart: new Date(0),
    });
    await writeSettlements(database.db, [
      settlement("google/gemini-3-flash", 1_000n, "a"),
      settlement("google/gemini-3-flash", 2_000n, "b"),
      settlement("anthropic/claude-haiku-4-5", 500n, "c"),
    ]);
  } finally {
    await database.close();
  }

  const byModel = await cli("usage", ws, "--by", "model", "--since", "1d");
  expect(byModel.code).toBe(0);
  expect(byModel.stdout).toMatch(/anthropic\/claude-haiku-4-5\s+1\s+100\s+20\s+40\s+0\s+5\s+0\.0000005\s+1/);
  expect(byModel.stdout).toMatch(/google\/gemini-3-flash\s+2\s+200\s+40\s+80\s+0\s+10\s+0\.000003\s+0/);
  expect((await cli("usage", ws)).stdout).toMatch(/all\s+3\s+300/);
  expect((await cli("usage", ws, "--since", "2999-01-01")).stdout).toMatch(/all\s+0\s+0/);
  expect((await cli("usage", ws, "--by", "week")).code).toBe(1);

  const entries = (await cli("ledger", ws)).stdout.trim().split("\n");
  expect(entries[1]).toMatch(/debit\s+-0\.0000005\s+req_cli_\S+_c\s+anthropic\/claude-haiku-4-5/);
  expect(entries.at(-1)).toMatch(/credit\s+12\.50\s+-\s+initial credit/);

  const verified = await cli("ledger", "verify");
  expect(verified.code).toBe(0);
  expect(verified.stdout).toMatch(/^ok: \d+ workspaces/);
}, SLOW_TEST_MS);

test("ledger verify exits non-zero when a balance drifts from its ledger", async () => {
  const database = await openDatabase(loadConfig({ ...process.env, OPENTOKEN_DATA_DIR: dataDir }));
  const workspace = await findWorkspace(database.db, ws);
  const drift = (delta: bigint) =>
    database.db
      .update(billingAccounts)
      .set({ balance: sql`${billingAccounts.balance} + ${delta}` })
      .where(eq(billingAccounts.workspaceId, workspace.id));
  await drift(1n);
  await database.close();
  try {
    const verified = await cli("ledger", "verify");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(`MISMATCH ${ws}`);
    expect(verified.stderr).toContain("ledger mismatch");
  } finally {
    const repair = await openDatabase(loadConfig({ ...process.env, OPENTOKEN_DATA_DIR: dataDir }));
    await repair.db
      .update(billingAccounts)
      .set({ balance: sql`${billingAccounts.balance} - 1` })
      .where(eq(billingAccounts.workspaceId, workspace.id));
    await repair.close();
  }
}, SLOW_TEST_MS);

test("models list shows the seeded catalog", async () => {
  const { stdout, code } = await cli("models", "list");
  expect(code).toBe(0);
  expect(stdout).toMatch(/google\/gemini-2\.5-pro\s+gemini-2\.5-pro\s+chat\s+1\.25\s+10\.00\s+0\.125\s+1\.25\s+yes/);
  expect(stdout).toMatch(/google\/text-embedding-004\s+text-embedding-004\s+embedding\s+0\.025\s+0\.00\s+-\s+-/);
  expect(stdout.trim().split("\n")).toHaveLength(11);
}, SLOW_TEST_MS);

test("user mistakes give one line on stderr and a non-zero exit, never a stack trace", async () => {
  for (const args of [
    ["workspace", "create", ws],
    ["credit", "add", "no-such-workspace", "5"],
    ["credit", "add", ws, "-5"],
    ["key", "create", ws, "--expires", "tomorrow"],
    ["key", "create", ws, "--bogus", "x"],
    ["key", "revoke", "sk-optk-nope"],
    ["frobnicate"],
  ]) {
    const { code, stderr, stdout } = await cli(...args);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")[0]).toMatch(/^error: /);
    expect(stderr).not.toContain("    at ");
  }
}, SLOW_TEST_MS);

test("every command has --help", async () => {
  const overview = await cli("--help");
  expect(overview.code).toBe(0);
  const commands = ["serve", "migrate", "workspace create", "workspace list", "credit add", "key create", "key list", "key revoke", "usage", "ledger", "ledger verify", "models list"];
  for (const command of commands) expect(overview.stdout).toContain(command);
  // At once: a dozen processes one after another took most of the test's time on a loaded machine.
  const helps = await Promise.all(commands.map((command) => cli(...command.split(" "), "--help")));
  helps.forEach((help, i) => {
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(`usage: opentoken ${commands[i]}`);
  });
}, SLOW_TEST_MS);

test("supplier add / list / disable / enable / remove; models list shows each model's suppliers", async () => {
  const name = `cli-sup-${randomBase62(6)}`;
  const added = await cli(
    "supplier", "add", name, "--provider", "google", "--base-url", "https://backup.example.com/", "--key-env", "CLI_TEST_KEY",
    "--priority", "2", "--weight", "3", "--models", "google/gemini-3-flash",
  );
  expect(added.code).toBe(0);
  expect(added.stdout).toContain(`added supplier ${name} (google, https://backup.example.com, key from $CLI_TEST_KEY)`);
  const listed = await cli("supplier", "list");
  expect(listed.stdout).toMatch(new RegExp(`${name}\\s+google\\s+https://backup.example.com\\s+2\\s+3\\s+yes\\s+google/gemini-3-flash\\s+CLI_TEST_KEY`));
  expect((await cli("models", "list")).stdout).toMatch(new RegExp(`google/gemini-3-flash .*${name}`));
  expect((await cli("supplier", "disable", name)).code).toBe(0);
  expect((await cli("supplier", "list")).stdout).toMatch(new RegExp(`${name}\\s+\\S+\\s+\\S+\\s+2\\s+3\\s+no`));
  expect((await cli("supplier", "enable", name)).code).toBe(0);
  expect((await cli("supplier", "remove", name)).code).toBe(0);
  expect((await cli("supplier", "list")).stdout).not.toContain(name);

  // Mistakes are one line each, and no secret is ever taken.
  for (const [args, message] of [
    [["supplier", "add", "google", "--provider", "google", "--base-url", "https://x.test", "--key-env", "K"], "environment's default supplier"],
    [["supplier", "add", "x", "--provider", "openai", "--base-url", "https://x.test", "--key-env", "K"], "--provider must be one of"],
    [["supplier", "add", "x", "--provider", "google", "--base-url", "https://user:pw@x.test", "--key-env", "K"], "must not carry credentials"],
    [["supplier", "add", "x", "--provider", "google", "--base-url", "https://x.test", "--key-env", "sk-live-123"], "not an environment variable name"],
    [["supplier", "add", "x", "--provider", "google", "--base-url", "https://x.test", "--key-env", "K", "--models", "anthropic/claude-haiku-4-5"], "is not a google model"],
    [["supplier", "remove", "nope"], 'supplier "nope" not found'],
  ] as const) {
    const result = await cli(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  }
}, SLOW_TEST_MS);
