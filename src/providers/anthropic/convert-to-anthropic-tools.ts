import type { ChatCompletionRequest, ToolChoice } from "../../openai/chat-request.ts";
import type { AnthropicMessage, AnthropicTool, AnthropicToolChoice } from "./anthropic-api-types.ts";

/**
 * tools / tool_choice / parallel_tool_calls (reference D.5, E.3). Whether a
 * model may receive tools at all is the catalog's supportsTools flag, checked
 * by the route before this runs.
 */
export function convertToAnthropicTools(
  req: ChatCompletionRequest,
  messages: AnthropicMessage[],
): { tools?: AnthropicTool[]; tool_choice?: AnthropicToolChoice } {
  if (req.tools?.length) {
    return {
      tools: req.tools.map(({ function: fn }) => ({
        name: fn.name,
        ...(fn.description !== undefined && { description: fn.description }),
        input_schema: fn.parameters ?? { type: "object", properties: {} },
      })),
      tool_choice: toolChoice(req.tool_choice ?? undefined, req.parallel_tool_calls),
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

function toolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice {
  const mapped: AnthropicToolChoice =
    choice === "none"
      ? { type: "none" }
      : choice === "required"
        ? { type: "any" }
        : typeof choice === "object"
          ? { type: "tool", name: choice.function.name }
          : { type: "auto" };
  if (parallel === false && mapped.type !== "none") mapped.disable_parallel_tool_use = true;
  return mapped;
}
