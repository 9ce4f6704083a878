import { createAdminKey, listAdminKeys, revokeAdminKey } from "../../auth/admin-keys.ts";
import { UserError } from "../../errors.ts";
import { type Command, flag } from "../command.ts";
import { formatTable, formatTime } from "../table.ts";

export const adminKeyCreate: Command = {
  name: "admin-key create",
  usage: "admin-key create --name <n>",
  summary: "Issue a management key for the admin API (/admin/v1/*) and the console; printed once, never again",
  valueFlags: ["name"],
  async run(args, { withDatabase, print }) {
    const name = flag(args, "name");
    if (!name) throw new UserError("missing --name");
    const { key, row } = await withDatabase((db) => createAdminKey(db, name));
    print(key);
    print(`management key ${row.id} (${row.name}): store it now, it cannot be shown again`);
  },
};

export const adminKeyList: Command = {
  name: "admin-key list",
  usage: "admin-key list",
  summary: "List management keys (prefixes only)",
  async run(_args, { withDatabase, print }) {
    const rows = await withDatabase(listAdminKeys);
    print(
      formatTable(
        ["ID", "PREFIX", "NAME", "STATUS", "LAST_USED", "CREATED"],
        rows.map((row) => [
          row.id,
          `${row.prefix}…`,
          row.name,
          row.revokedAt ? "revoked" : "active",
          formatTime(row.lastUsedAt),
          formatTime(row.createdAt),
        ]),
      ),
    );
  },
};

export const adminKeyRevoke: Command = {
  name: "admin-key revoke",
  usage: "admin-key revoke <id-or-prefix>",
  summary: "Revoke a management key (running gateways refuse it within KEY_CACHE_SECONDS)",
  async run(args, { withDatabase, print }) {
    const [target] = args.positionals;
    if (!target) throw new UserError("missing <id-or-prefix>");
    const row = await withDatabase((db) => revokeAdminKey(db, target));
    print(`revoked management key ${row.id} (${row.prefix}…)`);
  },
};
