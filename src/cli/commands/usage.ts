import { formatUsd } from "../../billing/money.ts";
import { USAGE_GROUPINGS, type UsageGrouping, usageTotals } from "../../billing/usage-report.ts";
import { UserError } from "../../errors.ts";
import { type Command, flag } from "../command.ts";
import { formatTable } from "../table.ts";

const RELATIVE = /^(\d+)([hd])$/;

/** `--since`: an ISO-8601 time, or a span back from now such as 24h or 7d. */
function parseSince(text: string | undefined, now = Date.now()): Date | undefined {
  if (text === undefined) return undefined;
  const relative = RELATIVE.exec(text);
  if (relative) return new Date(now - Number(relative[1]) * (relative[2] === "h" ? 3_600_000 : 86_400_000));
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UserError(`--since "${text}" is neither an ISO-8601 time (2026-11-01) nor a span like 24h or 7d`);
  }
  return date;
}

function parseGrouping(text: string | undefined): UsageGrouping | undefined {
  if (text === undefined) return undefined;
  if (!USAGE_GROUPINGS.includes(text as UsageGrouping)) throw new UserError(`--by must be one of ${USAGE_GROUPINGS.join(", ")}`);
  return text as UsageGrouping;
}

export const usage: Command = {
  name: "usage",
  usage: "usage <workspace> [--since <time|24h|7d>] [--by model|key|day]",
  summary: "Token and cost totals from the workspace's usage records",
  valueFlags: ["since", "by"],
  async run(args, { withWorkspace, print }) {
    const [workspaceName] = args.positionals;
    if (!workspaceName) throw new UserError("missing <workspace>");
    const since = parseSince(flag(args, "since"));
    const by = parseGrouping(flag(args, "by"));
    const rows = await withWorkspace(workspaceName, (db, workspace) => usageTotals(db, workspace.id, { since, by }));
    print(
      formatTable(
        [by ? by.toUpperCase() : "TOTAL", "REQUESTS", "PROMPT", "COMPLETION", "CACHE_READ", "CACHE_WRITE", "REASONING", "COST_USD", "ESTIMATED"],
        rows.map((row) => [
          row.group,
          String(row.requests),
          row.promptTokens,
          row.completionTokens,
          row.cachedTokens,
          row.cacheWriteTokens,
          row.reasoningTokens,
          formatUsd(row.cost),
          String(row.estimated),
        ]),
      ),
    );
  },
};
