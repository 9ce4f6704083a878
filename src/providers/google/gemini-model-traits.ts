import type { CatalogModel } from "../../catalog/model.ts";

export type ThinkingLevel = "minimal" | "low" | "medium" | "high";

/** How a model's thinking is controlled (reference C.5). */
export type ThinkingFamily =
  /** Gemini 2.5: a token budget; `min` is the smallest budget that keeps thinking on. */
  | { kind: "budget"; min: number; max: number; canDisable: boolean }
  /** Gemini 3: named levels, lowest first. */
  | { kind: "level"; levels: readonly ThinkingLevel[] };

export interface GeminiModelTraits {
  /** null when the model has no controllable thinking (or the catalog says no reasoning). */
  thinking: ThinkingFamily | null;
  /** Gemini 3 rejects function-call history without thought signatures (reference C.9). */
  requiresThoughtSignatures: boolean;
}

const gemini25 = (min: number, max: number, canDisable: boolean): GeminiModelTraits => ({
  thinking: { kind: "budget", min, max, canDisable },
  requiresThoughtSignatures: false,
});

const gemini3 = (...levels: ThinkingLevel[]): GeminiModelTraits => ({
  thinking: { kind: "level", levels },
  requiresThoughtSignatures: true,
});

/**
 * The one place that knows which upstream model belongs to which family;
 * first match wins, so narrower patterns come first. Ranges and level sets
 * follow reference C.5 (marked [?] there: re-check on new model releases).
 */
const FAMILIES: { pattern: RegExp; traits: GeminiModelTraits }[] = [
  { pattern: /^gemini-2\.5-pro/, traits: gemini25(128, 32768, false) },
  { pattern: /^gemini-2\.5-flash-lite/, traits: gemini25(512, 24576, true) },
  { pattern: /^gemini-2\.5/, traits: gemini25(1, 24576, true) },
  { pattern: /^gemini-3(\.\d+)?-pro/, traits: gemini3("low", "high") },
  { pattern: /^gemini-3/, traits: gemini3("minimal", "low", "medium", "high") },
];

const UNKNOWN: GeminiModelTraits = { thinking: null, requiresThoughtSignatures: false };

export function geminiModelTraits(model: CatalogModel): GeminiModelTraits {
  const traits = FAMILIES.find((family) => family.pattern.test(model.upstreamModel))?.traits ?? UNKNOWN;
  return model.supportsReasoning ? traits : { ...traits, thinking: null };
}
