import { listLedger } from "../../billing/ledger.ts";
import { verifyLedgers } from "../../billing/ledger-verify.ts";
import { formatUsd } from "../../billing/money.ts";
import { UserError } from "../../errors.ts";
import { type Command, flag } from "../command.ts";
import { formatTable, formatTime } from "../table.ts";

export const ledger: Command = {
  name: "ledger",
  usage: "ledger <workspace> [--limit <n>]",
  summary: "The workspace's ledger entries (credits and debits), newest first",
  valueFlags: ["limit"],
  async run(args, { withWorkspace, print }) {
    const [workspaceName] = args.positionals;
    if (!workspaceName) throw new UserError("missing <workspace>");
    const limit = Number(flag(args, "limit") ?? 100);
    if (!Number.isInteger(limit) || limit <= 0) throw new UserError("--limit must be a positive integer");
    const entries = await withWorkspace(workspaceName, (db, workspace) => listLedger(db, workspace.id, limit));
    print(
      formatTable(
        ["TIME", "KIND", "AMOUNT_USD", "REQUEST", "NOTE"],
        entries.map((entry) => [
          formatTime(entry.createdAt),
          entry.kind,
          formatUsd(entry.amount),
          entry.requestId ?? "-",
          entry.note ?? "-",
        ]),
      ),
    );
  },
};

export const ledgerVerify: Command = {
  name: "ledger verify",
  usage: "ledger verify",
  summary: "Check every workspace: balance = sum of its ledger, one debit per usage record (exit 1 on any mismatch)",
  async run(_args, { withDatabase, print }) {
    const { workspaces, mismatches } = await withDatabase(verifyLedgers);
    for (const mismatch of mismatches) print(`MISMATCH ${mismatch.name} (${mismatch.workspaceId}): ${mismatch.problem}`);
    if (mismatches.length > 0) throw new UserError(`${mismatches.length} ledger mismatch(es) in ${workspaces} workspaces`);
    print(`ok: ${workspaces} workspaces, every balance equals the sum of its ledger`);
  },
};
