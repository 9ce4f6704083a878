import type { CallTool, CallToolChoice } from "../../calls/call-options.ts";
import type { GeminiRequest, GeminiToolConfig } from "./gemini-api-types.ts";
import { normalizeToolSchema } from "./normalize-tool-schema.ts";

/**
 * Tools → functionDeclarations, tool choice → functionCallingConfig
 * (reference C.3, C.4). Schemas go out as parametersJsonSchema, which takes
 * plain JSON Schema (anyOf with null, additionalProperties, const...) where
 * `parameters` would 400 on anything outside its subset, minus what Gemini
 * still refuses there: `$schema`, and same-document `$ref`s are inlined
 * (normalize-tool-schema.ts).
 */
export function prepareGeminiTools(
  tools: readonly CallTool[],
  toolChoice: CallToolChoice | undefined,
): Pick<GeminiRequest, "tools" | "toolConfig"> {
  if (tools.length === 0) return {};
  const functionDeclarations = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    ...(tool.parameters !== undefined && { parametersJsonSchema: normalizeToolSchema(tool.parameters) }),
  }));
  return { tools: [{ functionDeclarations }], ...(toolChoice && { toolConfig: functionCallingConfig(toolChoice) }) };
}

function functionCallingConfig(choice: CallToolChoice): GeminiToolConfig {
  switch (choice.type) {
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "required":
      return { functionCallingConfig: { mode: "ANY" } };
    case "tool":
      return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
  }
}
