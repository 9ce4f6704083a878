import { expect, test } from "bun:test";
import type { CatalogModel } from "../../../src/catalog/model.ts";
import type { ChatCompletionRequest } from "../../../src/openai/chat-request.ts";
import { geminiModelTraits } from "../../../src/providers/google/gemini-model-traits.ts";
import { buildGemini, chatRequest, googleModel } from "./support.ts";

const gemini25Pro = googleModel("gemini-2.5-pro");
const gemini25Flash = googleModel("gemini-2.5-flash");
const gemini25FlashLite = googleModel("gemini-2.5-flash-lite");
const gemini3Flash = googleModel("gemini-3-flash-preview");
const gemini31FlashLite = googleModel("gemini-3.1-flash-lite-preview");
const gemini3Pro = googleModel("gemini-3-pro-preview");
const gemini31Pro = googleModel("gemini-3.1-pro-preview");

const thinking = (model: CatalogModel, fields: Partial<ChatCompletionRequest>) =>
  (buildGemini(chatRequest(fields), model, false).body as any).generationConfig?.thinkingConfig;

const effort = (value: NonNullable<ChatCompletionRequest["reasoning_effort"]>) => ({ reasoning: { effort: value } });

test("families are derived from the upstream model name in one table", () => {
  expect(geminiModelTraits(gemini25Pro)).toEqual({
    thinking: { kind: "budget", min: 128, max: 32768, canDisable: false },
    requiresThoughtSignatures: false,
  });
  expect(geminiModelTraits(gemini25FlashLite).thinking).toEqual({ kind: "budget", min: 512, max: 24576, canDisable: true });
  expect(geminiModelTraits(gemini25Flash).thinking).toEqual({ kind: "budget", min: 1, max: 24576, canDisable: true });
  expect(geminiModelTraits(gemini31Pro)).toEqual({
    thinking: { kind: "level", levels: ["low", "high"] },
    requiresThoughtSignatures: true,
  });
  expect(geminiModelTraits(gemini3Pro).thinking).toEqual({ kind: "level", levels: ["low", "high"] });
  expect(geminiModelTraits(gemini31FlashLite).thinking).toEqual({
    kind: "level",
    levels: ["minimal", "low", "medium", "high"],
  });
  expect(geminiModelTraits(googleModel("gemma-4-26b-a4b-it"))).toEqual({ thinking: null, requiresThoughtSignatures: false });
  expect(geminiModelTraits(googleModel("gemini-3-flash", { supportsReasoning: false }))).toEqual({
    thinking: null,
    requiresThoughtSignatures: true,
  });
});

test("no reasoning field: the model's default thinking, with thought summaries returned", () => {
  expect(thinking(gemini25Flash, {})).toEqual({ includeThoughts: true });
  expect(thinking(gemini3Flash, {})).toEqual({ includeThoughts: true });
  expect(thinking(gemini3Flash, { reasoning: { exclude: true } })).toEqual({ includeThoughts: false });
  expect(thinking(googleModel("gemma-4-26b-a4b-it"), effort("high"))).toBeUndefined();
  expect(thinking(googleModel("gemini-3-flash", { supportsReasoning: false }), effort("high"))).toBeUndefined();
});

test("Gemini 2.5: effort → thinkingBudget, clamped to the model's range", () => {
  const budgets = (model: CatalogModel) =>
    (["minimal", "low", "medium", "high", "xhigh", "max", "none"] as const).map(
      (value) => thinking(model, effort(value)).thinkingBudget,
    );
  expect(budgets(gemini25Flash)).toEqual([128, 1024, 2048, 4096, 8192, 8192, 0]);
  expect(budgets(gemini25FlashLite)).toEqual([512, 1024, 2048, 4096, 8192, 8192, 0]);
  // 2.5 Pro cannot stop thinking: "none" is its lowest budget.
  expect(budgets(gemini25Pro)).toEqual([128, 1024, 2048, 4096, 8192, 8192, 128]);

  expect(thinking(gemini25Flash, effort("high"))).toEqual({ thinkingBudget: 4096, includeThoughts: true });
  expect(thinking(gemini25Pro, effort("none"))).toEqual({ thinkingBudget: 128, includeThoughts: false });
  expect(thinking(gemini25Flash, effort("none"))).toEqual({ thinkingBudget: 0, includeThoughts: false });
});

test("Gemini 2.5: reasoning.max_tokens is the budget (clamped); reasoning_effort is an alias", () => {
  expect(thinking(gemini25Flash, { reasoning: { max_tokens: 3000 } })).toEqual({ thinkingBudget: 3000, includeThoughts: true });
  expect(thinking(gemini25Flash, { reasoning: { max_tokens: 100000 } })).toEqual({
    thinkingBudget: 24576,
    includeThoughts: true,
  });
  expect(thinking(gemini25Flash, { reasoning: { max_tokens: 0 } })).toEqual({ thinkingBudget: 0, includeThoughts: false });
  expect(thinking(gemini25Pro, { reasoning: { max_tokens: 0 } })).toEqual({ thinkingBudget: 128, includeThoughts: false });
  expect(thinking(gemini25FlashLite, { reasoning: { max_tokens: 100, exclude: true } })).toEqual({
    thinkingBudget: 512,
    includeThoughts: false,
  });
  // max_tokens wins over effort.
  expect(thinking(gemini25Flash, { reasoning: { max_tokens: 5000, effort: "low" } })).toEqual({
    thinkingBudget: 5000,
    includeThoughts: true,
  });
  expect(thinking(gemini25Flash, { reasoning_effort: "low" })).toEqual({ thinkingBudget: 1024, includeThoughts: true });
  // The reasoning object's effort wins over the alias.
  expect(thinking(gemini25Flash, { reasoning_effort: "low", reasoning: { effort: "high" } })).toEqual({
    thinkingBudget: 4096,
    includeThoughts: true,
  });
});

test("enabled: true alone is medium effort; enabled: false turns thinking off", () => {
  expect(thinking(gemini25Flash, { reasoning: { enabled: true } })).toEqual({ thinkingBudget: 2048, includeThoughts: true });
  expect(thinking(gemini3Flash, { reasoning: { enabled: true } })).toEqual({ thinkingLevel: "MEDIUM", includeThoughts: true });
  expect(thinking(gemini25Flash, { reasoning: { enabled: false, max_tokens: 4000 } })).toEqual({
    thinkingBudget: 0,
    includeThoughts: false,
  });
  expect(thinking(gemini3Flash, { reasoning: { enabled: false } })).toEqual({
    thinkingLevel: "MINIMAL",
    includeThoughts: false,
  });
});

test("Gemini 3 Flash / Flash-Lite: effort → thinkingLevel; xhigh and max → high; none → minimal", () => {
  const levels = (model: CatalogModel) =>
    (["minimal", "low", "medium", "high", "xhigh", "max", "none"] as const).map(
      (value) => thinking(model, effort(value)).thinkingLevel,
    );
  expect(levels(gemini3Flash)).toEqual(["MINIMAL", "LOW", "MEDIUM", "HIGH", "HIGH", "HIGH", "MINIMAL"]);
  expect(levels(gemini31FlashLite)).toEqual(["MINIMAL", "LOW", "MEDIUM", "HIGH", "HIGH", "HIGH", "MINIMAL"]);
  expect(thinking(gemini3Flash, { reasoning_effort: "low" })).toEqual({ thinkingLevel: "LOW", includeThoughts: true });
  expect(thinking(gemini3Flash, { reasoning: { effort: "high", exclude: true } })).toEqual({
    thinkingLevel: "HIGH",
    includeThoughts: false,
  });
});

test("Gemini 3 Pro supports low|high: other levels go to the nearest, a tie goes up", () => {
  const levels = (model: CatalogModel) =>
    (["minimal", "low", "medium", "high", "xhigh", "max", "none"] as const).map(
      (value) => thinking(model, effort(value)).thinkingLevel,
    );
  expect(levels(gemini3Pro)).toEqual(["LOW", "LOW", "HIGH", "HIGH", "HIGH", "HIGH", "LOW"]);
  expect(levels(gemini31Pro)).toEqual(["LOW", "LOW", "HIGH", "HIGH", "HIGH", "HIGH", "LOW"]);
});

test("Gemini 3 with reasoning.max_tokens sends thinkingBudget, never together with thinkingLevel", () => {
  expect(thinking(gemini3Pro, { reasoning: { max_tokens: 2000, effort: "high" } })).toEqual({
    thinkingBudget: 2000,
    includeThoughts: true,
  });
});
