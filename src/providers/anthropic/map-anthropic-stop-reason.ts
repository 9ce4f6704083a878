import type { FinishReason } from "../../openai/chat-response.ts";

/** Reference E.1. Unknown future reasons end the turn normally rather than failing the reply. */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn (the client may continue the turn)
      return "stop";
  }
}
