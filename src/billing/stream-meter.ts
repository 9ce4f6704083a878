import type { StreamEvent, TokenUsage } from "../providers/types.ts";
import type { StreamProgress } from "./estimate.ts";

/**
 * Follows a translated stream for billing: the provider's latest usage and
 * how much output went out since the provider last counted it, so a stream
 * cut short (client gone, upstream failure, write timeout) can be billed
 * for what it consumed (estimate.ts).
 */
export class StreamMeter implements StreamProgress {
  reported: TokenUsage | undefined;
  outputCounted = false;
  uncountedChars = 0;

  observe(event: StreamEvent): void {
    switch (event.type) {
      case "usage":
        this.reported = event.usage;
        if (event.outputCounted) {
          this.outputCounted = true;
          this.uncountedChars = 0;
        }
        return;
      case "text":
      case "reasoning":
        this.uncountedChars += event.text.length;
        return;
      case "tool_call_delta":
        this.uncountedChars += event.arguments.length;
        return;
    }
  }
}
