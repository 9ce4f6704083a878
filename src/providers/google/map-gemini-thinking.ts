import type { ReasoningEffort, ReasoningOptions } from "../../calls/call-options.ts";
import type { GeminiThinkingConfig, GeminiThinkingLevel } from "./gemini-api-types.ts";
import type { ThinkingFamily, ThinkingLevel } from "./gemini-model-traits.ts";

type ActiveEffort = Exclude<ReasoningEffort, "none">;

/** LiteLLM's effort→budget defaults (reference C.5), clamped to the model's range. */
const EFFORT_BUDGET: Record<ActiveEffort, number> = {
  minimal: 128,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
  max: 8192,
};

const EFFORT_LEVEL: Record<ActiveEffort, ThinkingLevel> = {
  minimal: "minimal",
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "high",
  max: "high",
};

const LEVEL_ORDER: readonly ThinkingLevel[] = ["minimal", "low", "medium", "high"];

/**
 * Reasoning options (OpenRouter-style `reasoning`, OpenAI's
 * `reasoning_effort`) → thinkingConfig. Without any reasoning field the model keeps its default
 * thinking and only includeThoughts is set, so thought summaries come back
 * as `reasoning`. `effort: "none"` on a model that cannot stop thinking uses
 * its lowest setting and hides the thoughts.
 */
export function mapGeminiThinking(
  reasoning: ReasoningOptions,
  family: ThinkingFamily | null,
): GeminiThinkingConfig | undefined {
  if (!family) return undefined;
  const { budgetTokens: budget, effort, exclude } = reasoning;

  if (budget !== undefined) {
    // B.4: an explicit token budget is sent as thinkingBudget on every family.
    const thinkingBudget = family.kind === "budget" ? clampBudget(budget, family) : budget;
    return { thinkingBudget, includeThoughts: !exclude && budget > 0 };
  }
  if (effort === undefined) return { includeThoughts: !exclude };

  const includeThoughts = !exclude && effort !== "none";
  if (family.kind === "budget") {
    const thinkingBudget =
      effort === "none" ? (family.canDisable ? 0 : family.min) : clampBudget(EFFORT_BUDGET[effort], family);
    return { thinkingBudget, includeThoughts };
  }
  const level = effort === "none" ? family.levels[0]! : nearestLevel(EFFORT_LEVEL[effort], family.levels);
  return { thinkingLevel: level.toUpperCase() as GeminiThinkingLevel, includeThoughts };
}

function clampBudget(tokens: number, family: Extract<ThinkingFamily, { kind: "budget" }>): number {
  if (tokens === 0 && family.canDisable) return 0;
  return Math.min(Math.max(tokens, family.min), family.max);
}

/** The closest supported level; a tie goes to the higher one (LiteLLM maps medium→high on 3 Pro). */
function nearestLevel(wanted: ThinkingLevel, supported: readonly ThinkingLevel[]): ThinkingLevel {
  const rank = (level: ThinkingLevel) => LEVEL_ORDER.indexOf(level);
  let best = supported[0]!;
  for (const level of supported) {
    if (Math.abs(rank(level) - rank(wanted)) <= Math.abs(rank(best) - rank(wanted))) best = level;
  }
  return best;
}
