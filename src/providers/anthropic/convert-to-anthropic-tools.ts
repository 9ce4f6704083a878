import type { CallOptions, CallToolChoice } from "../../calls/call-options.ts";
import type { AnthropicMessage, AnthropicTool, AnthropicToolChoice } from "./anthropic-api-types.ts";

/**
 * tools / tool choice / parallel tool calls (reference D.5, E.3). Whether a
 * model may receive tools at all is the catalog's supportsTools flag, checked
 * before this runs (calls/check-support.ts).
 */
export function convertToAnthropicTools(
  options: Pick<CallOptions, "tools" | "toolChoice" | "parallelToolCalls">,
  messages: AnthropicMessage[],
): { tools?: AnthropicTool[]; tool_choice?: AnthropicToolChoice } {
  if (options.tools.length > 0) {
    return {
      tools: options.tools.map((tool) => ({
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        input_schema: tool.parameters ?? { type: "object", properties: {} },
      })),
      tool_choice: toolChoice(options.toolChoice, options.parallelToolCalls),
    };
  }
  // Anthropic rejects tool_use/tool_result history in a request without tools
  // (e.g. a conversation continued from another model). Declaring the names
  // used, with tool_choice none, keeps that history valid without inviting
  // new calls.
  const names = new Set(
    messages.flatMap((m) => m.content.flatMap((block) => (block.type === "tool_use" ? [block.name] : []))),
  );
  if (names.size === 0) return {};
  return {
    tools: [...names].map((name) => ({ name, input_schema: { type: "object" } })),
    tool_choice: { type: "none" },
  };
}

function toolChoice(choice: CallToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice {
  const mapped: AnthropicToolChoice =
    choice?.type === "none"
      ? { type: "none" }
      : choice?.type === "required"
        ? { type: "any" }
        : choice?.type === "tool"
          ? { type: "tool", name: choice.name }
          : { type: "auto" };
  if (parallel === false && mapped.type !== "none") mapped.disable_parallel_tool_use = true;
  return mapped;
}
