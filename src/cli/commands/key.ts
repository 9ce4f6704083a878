import { createApiKey, keyStatus, listApiKeys, revokeApiKey } from "../../auth/keys.ts";
import { LIMIT_RESETS, type LimitReset } from "../../billing/limit-period.ts";
import { formatUsd, parseUsd } from "../../billing/money.ts";
import { UserError } from "../../errors.ts";
import { type Command, flag } from "../command.ts";
import { formatTable, formatTime } from "../table.ts";

function parseExpiry(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UserError(`--expires "${text}" is not an ISO-8601 time (e.g. 2027-01-31T00:00:00Z)`);
  }
  return date;
}

function parseLimitReset(text: string | undefined, hasLimit: boolean): LimitReset | undefined {
  if (text === undefined) return undefined;
  if (!LIMIT_RESETS.includes(text as LimitReset)) throw new UserError(`--limit-reset must be one of ${LIMIT_RESETS.join(", ")}`);
  if (!hasLimit) throw new UserError("--limit-reset needs --spend-limit");
  return text as LimitReset;
}

export const keyCreate: Command = {
  name: "key create",
  usage:
    "key create <workspace> [--name <n>] [--spend-limit <usd> [--limit-reset daily|weekly|monthly]] [--expires <ISO-8601 time>] [--models <id|provider/*,…>]",
  summary: "Issue an API key; the full key is printed once and never again. A spend limit is lifetime unless it resets (UTC)",
  valueFlags: ["name", "spend-limit", "limit-reset", "expires", "models"],
  async run(args, { withWorkspace, print }) {
    const [workspaceName] = args.positionals;
    if (!workspaceName) throw new UserError("missing <workspace>");
    const limit = flag(args, "spend-limit");
    const options = {
      name: flag(args, "name"),
      spendLimit: limit === undefined ? undefined : parseUsd(limit),
      limitReset: parseLimitReset(flag(args, "limit-reset"), limit !== undefined),
      expiresAt: parseExpiry(flag(args, "expires")),
      models: flag(args, "models")?.split(",").map((model) => model.trim()).filter(Boolean),
    };
    const { key, row } = await withWorkspace(workspaceName, (db, workspace) => createApiKey(db, workspace.id, options));
    print(key);
    print(`key id ${row.id} for workspace ${workspaceName}: store the key now, it cannot be shown again`);
  },
};

export const keyList: Command = {
  name: "key list",
  usage: "key list [<workspace>]",
  summary: "List keys (prefixes only, never full keys)",
  async run(args, { withDatabase, withWorkspace, print }) {
    const [workspaceName] = args.positionals;
    const rows = await (workspaceName
      ? withWorkspace(workspaceName, (db, workspace) => listApiKeys(db, workspace.id))
      : withDatabase((db) => listApiKeys(db)));
    print(
      formatTable(
        ["ID", "PREFIX", "WORKSPACE", "NAME", "STATUS", "SPEND_LIMIT_USD", "RESETS", "EXPIRES", "LAST_USED", "CREATED"],
        rows.map((row) => [
          row.id,
          `${row.prefix}…`,
          row.workspaceId,
          row.name ?? "-",
          keyStatus(row),
          row.spendLimit === null ? "-" : formatUsd(row.spendLimit),
          row.spendLimit === null ? "-" : (row.limitReset ?? "never"),
          formatTime(row.expiresAt),
          formatTime(row.lastUsedAt),
          formatTime(row.createdAt),
        ]),
      ),
    );
  },
};

export const keyRevoke: Command = {
  name: "key revoke",
  usage: "key revoke <key-id-or-prefix>",
  summary: "Revoke a key (takes effect on running gateways within KEY_CACHE_SECONDS)",
  async run(args, { withDatabase, print }) {
    const [target] = args.positionals;
    if (!target) throw new UserError("missing <key-id-or-prefix>");
    const row = await withDatabase((db) => revokeApiKey(db, target));
    print(`revoked key ${row.id} (${row.prefix}…)`);
  },
};
