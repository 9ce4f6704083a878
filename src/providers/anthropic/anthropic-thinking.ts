import type { ReasoningEffort, ReasoningOptions } from "../../calls/call-options.ts";
import type { AnthropicEffort, AnthropicThinking } from "./anthropic-api-types.ts";
import type { ThinkingFamily } from "./anthropic-thinking-family.ts";

export interface ThinkingPlan {
  thinking?: AnthropicThinking;
  effort?: AnthropicEffort;
  /** max_tokens, raised when needed to stay above the thinking budget. */
  maxTokens: number;
}

/** Anthropic's minimum budget_tokens. */
const MIN_BUDGET = 1024;

/** OpenRouter's share of max_tokens per effort (reference B.1). */
const EFFORT_RATIO: Record<Exclude<ReasoningEffort, "none">, number> = {
  max: 0.95,
  xhigh: 0.95,
  high: 0.8,
  medium: 0.5,
  low: 0.2,
  minimal: 0.1,
};

const EFFORT_LADDER: readonly AnthropicEffort[] = ["low", "medium", "high", "xhigh", "max"];

interface ReasoningRequest {
  effort?: Exclude<ReasoningEffort, "none">;
  budgetTokens?: number;
  exclude: boolean;
}

/**
 * reasoning {effort, max_tokens, exclude, enabled} / reasoning_effort →
 * Anthropic thinking for the model's family (reference B.4).
 */
export function planThinking(
  reasoning: ReasoningOptions,
  family: ThinkingFamily,
  maxTokens: number,
  modelMaxTokens: number,
): ThinkingPlan {
  const wanted = requestedReasoning(reasoning);
  if (!wanted) return { maxTokens };
  // exclude: the model still thinks, Anthropic just returns the blocks without text (signatures stay for round trips).
  const display = wanted.exclude ? "omitted" : "summarized";
  const adaptive = family.adaptiveEfforts.length > 0;

  if (family.budget && (wanted.budgetTokens !== undefined || !adaptive)) {
    let budget = Math.max(
      wanted.budgetTokens ?? Math.floor(maxTokens * EFFORT_RATIO[wanted.effort ?? "medium"]),
      MIN_BUDGET,
    );
    // budget_tokens must stay below max_tokens: make room for the answer, within the model's limit.
    if (budget >= maxTokens) maxTokens = Math.min(modelMaxTokens, budget + maxTokens);
    budget = Math.min(budget, maxTokens - 1);
    if (budget < MIN_BUDGET) return { maxTokens };
    return { thinking: { type: "enabled", budget_tokens: budget, display }, maxTokens };
  }
  if (adaptive) {
    const plan: ThinkingPlan = { thinking: { type: "adaptive", display }, maxTokens };
    if (wanted.effort) plan.effort = adaptiveEffort(wanted.effort, family.adaptiveEfforts);
    return plan;
  }
  return { maxTokens };
}

/** undefined = no thinking: nothing asked, or asked off (effort "none", a zero budget). */
function requestedReasoning(reasoning: ReasoningOptions): ReasoningRequest | undefined {
  const { requested, effort, budgetTokens, exclude } = reasoning;
  if (!requested || effort === "none" || budgetTokens === 0) return undefined;
  return { effort, budgetTokens, exclude };
}

/** minimal has no Anthropic level; a level the model lacks goes to the next one up (or its highest). */
function adaptiveEffort(
  effort: Exclude<ReasoningEffort, "none">,
  supported: readonly AnthropicEffort[],
): AnthropicEffort {
  const wanted = effort === "minimal" ? "low" : effort;
  const ladder = EFFORT_LADDER.slice(EFFORT_LADDER.indexOf(wanted));
  return ladder.find((level) => supported.includes(level)) ?? supported.at(-1)!;
}
