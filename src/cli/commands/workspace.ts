import { formatUsd, parseUsd } from "../../billing/money.ts";
import { UserError } from "../../errors.ts";
import { createWorkspace, listWorkspaces } from "../../workspaces/workspaces.ts";
import { type Command, flag } from "../command.ts";
import { formatTable, formatTime } from "../table.ts";

export const workspaceCreate: Command = {
  name: "workspace create",
  usage: "workspace create <name> [--credit <usd>]",
  summary: "Create a workspace with a billing account, optionally funded",
  valueFlags: ["credit"],
  async run(args, { withDatabase, print }) {
    const [name] = args.positionals;
    if (!name) throw new UserError("missing <name>");
    const credit = parseUsd(flag(args, "credit") ?? "0");
    const workspace = await withDatabase((db) => createWorkspace(db, name, credit));
    print(`created workspace ${workspace.name} (${workspace.id}) with $${formatUsd(credit)} credit`);
  },
};

export const workspaceList: Command = {
  name: "workspace list",
  usage: "workspace list",
  summary: "List workspaces and their balances",
  async run(_args, { withDatabase, print }) {
    const rows = await withDatabase(listWorkspaces);
    print(
      formatTable(
        ["ID", "NAME", "BALANCE_USD", "CREATED"],
        rows.map((w) => [w.id, w.name, w.balance === null ? "no billing" : formatUsd(w.balance), formatTime(w.createdAt)]),
      ),
    );
  },
};
