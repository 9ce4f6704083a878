import type { CatalogModel } from "../../catalog/model.ts";
import type { AnthropicEffort } from "./anthropic-api-types.ts";

/** What a model's API accepts for thinking and sampling (reference B.4, D.4). */
export interface ThinkingFamily {
  /** Accepts thinking {type:"enabled", budget_tokens}. */
  budget: boolean;
  /** output_config.effort levels accepted with thinking {type:"adaptive"}; empty when adaptive is not supported. */
  adaptiveEfforts: readonly AnthropicEffort[];
  /** Rejects non-default temperature / top_p / top_k. */
  fixedSampling: boolean;
}

const BUDGET: ThinkingFamily = { budget: true, adaptiveEfforts: [], fixedSampling: false };
/** Adaptive is preferred; budget thinking is deprecated but still honoured for an explicit reasoning.max_tokens. */
const ADAPTIVE_WITH_BUDGET: ThinkingFamily = {
  budget: true,
  adaptiveEfforts: ["low", "medium", "high", "max"],
  fixedSampling: false,
};
const ADAPTIVE_ONLY: ThinkingFamily = {
  budget: false,
  adaptiveEfforts: ["low", "medium", "high", "xhigh", "max"],
  fixedSampling: true,
};
const NO_THINKING: ThinkingFamily = { budget: false, adaptiveEfforts: [], fixedSampling: false };

/** Matched as a prefix of the upstream name, so dated snapshots (claude-sonnet-4-5-20250929) resolve too. */
const FAMILIES: ReadonlyArray<readonly [string, ThinkingFamily]> = [
  ["claude-opus-4-7", ADAPTIVE_ONLY],
  ["claude-opus-4-6", ADAPTIVE_WITH_BUDGET],
  ["claude-sonnet-4-6", ADAPTIVE_WITH_BUDGET],
  ["claude-sonnet-4-5", BUDGET],
  ["claude-haiku-4-5", BUDGET],
];

/**
 * A model missing from the table falls back to budget thinking, the form
 * every thinking-capable Claude before Opus 4.7 accepts; newer models need a
 * row above.
 */
export function anthropicThinkingFamily(model: CatalogModel): ThinkingFamily {
  if (!model.supportsReasoning) return NO_THINKING;
  return FAMILIES.find(([prefix]) => model.upstreamModel.startsWith(prefix))?.[1] ?? BUDGET;
}
