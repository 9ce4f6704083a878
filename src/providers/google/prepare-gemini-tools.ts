import { invalidRequest } from "../../errors.ts";
import type { ToolChoice, ToolDefinition } from "../../openai/chat-request.ts";
import type { GeminiRequest, GeminiToolConfig } from "./gemini-api-types.ts";
import { normalizeToolSchema } from "./normalize-tool-schema.ts";

/**
 * OpenAI tools → functionDeclarations, tool_choice → functionCallingConfig
 * (reference C.3, C.4). Schemas go out as parametersJsonSchema, which takes
 * plain JSON Schema (anyOf with null, additionalProperties, const...) where
 * `parameters` would 400 on anything outside its subset, minus what Gemini
 * still refuses there: `$schema`, and same-document `$ref`s are inlined
 * (normalize-tool-schema.ts).
 */
export function prepareGeminiTools(
  tools: readonly ToolDefinition[] | undefined,
  toolChoice: ToolChoice | undefined,
): Pick<GeminiRequest, "tools" | "toolConfig"> {
  if (!tools?.length) return {};
  const functionDeclarations = tools.map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description != null && { description: fn.description }),
    ...(fn.parameters != null && { parametersJsonSchema: normalizeToolSchema(fn.parameters) }),
  }));
  const toolConfig = toolChoice == null ? undefined : functionCallingConfig(toolChoice, tools);
  return { tools: [{ functionDeclarations }], ...(toolConfig && { toolConfig }) };
}

function functionCallingConfig(choice: ToolChoice, tools: readonly ToolDefinition[]): GeminiToolConfig {
  switch (choice) {
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
  }
  const name = choice.function.name;
  if (!tools.some((tool) => tool.function.name === name)) {
    throw invalidRequest(`tool_choice names function "${name}", which is not in tools`, "tool_choice");
  }
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } };
}
