import { addCredit } from "../../billing/ledger.ts";
import { formatUsd, parseUsd } from "../../billing/money.ts";
import { UserError } from "../../errors.ts";
import { type Command, flag } from "../command.ts";

export const creditAdd: Command = {
  name: "credit add",
  usage: "credit add <workspace> <usd> [--note <text>]",
  summary: "Top up a workspace (appends a credit entry to its ledger)",
  valueFlags: ["note"],
  async run(args, { withWorkspace, print }) {
    const [workspaceName, usd] = args.positionals;
    if (!workspaceName || !usd) throw new UserError("usage: credit add <workspace> <usd>");
    const amount = parseUsd(usd);
    const { balance } = await withWorkspace(workspaceName, (db, workspace) =>
      addCredit(db, workspace.id, amount, flag(args, "note") ?? null),
    );
    print(`added $${formatUsd(amount)} to ${workspaceName}; balance $${formatUsd(balance)}`);
  },
};
