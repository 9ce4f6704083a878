import { streamError } from "../../errors.ts";
import type { FinishReason } from "../../openai/chat-response.ts";
import type { StreamEvent } from "../types.ts";
import { applyPartialArgs } from "./apply-partial-args.ts";
import { withCacheWrites } from "./context-cache/cache-write-usage.ts";
import type { GeminiCandidate, GeminiFunctionCall, GeminiPart, GeminiResponse } from "./gemini-api-types.ts";
import { describeGeminiError } from "./map-gemini-error.ts";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.ts";
import { mapGeminiUsage } from "./map-gemini-usage.ts";
import { newToolCallId } from "./gemini-tool-call-id.ts";
import { signatureDetail } from "./thought-signature.ts";

export interface GeminiReadOptions {
  /** Makes the ids of tool calls Gemini sends without one (tests pass a deterministic one). */
  toolCallId?: () => string;
  /** Tokens the call wrote to a context cache it created (GeminiCall.cacheWriteTokens). */
  cacheWriteTokens?: number;
}

interface OpenCall {
  call: number;
  id: string;
  args: Record<string, unknown>;
}

interface ChoiceState {
  calls: number;
  details: number;
  finished: boolean;
  /** A call whose arguments are still streaming (Vertex willContinue). */
  open?: OpenCall;
}

/**
 * Turns GenerateContentResponse objects into StreamEvents. A non-streaming
 * body is read as a one-chunk stream, so both paths share every rule:
 * thought parts are reasoning, each thoughtSignature becomes a
 * reasoning_detail, each functionCall a tool call with its whole arguments.
 */
export class GeminiEventReader {
  private readonly choices = new Map<number, ChoiceState>();
  private readonly newToolCallId: () => string;
  private readonly cacheWriteTokens: number | undefined;

  constructor(options: GeminiReadOptions = {}) {
    this.newToolCallId = options.toolCallId ?? newToolCallId;
    this.cacheWriteTokens = options.cacheWriteTokens;
  }

  read(chunk: GeminiResponse): StreamEvent[] {
    if (chunk.error) {
      const code = chunk.error.status?.toLowerCase() ?? "stream_error";
      throw streamError(describeGeminiError(undefined, chunk.error), code);
    }
    const events: StreamEvent[] = [];
    const candidates = chunk.candidates ?? [];
    candidates.forEach((candidate, position) => this.readCandidate(candidate.index ?? position, candidate, events));
    // A blocked prompt has no candidates at all (reference C.6).
    if (candidates.length === 0 && chunk.promptFeedback?.blockReason) {
      this.finish(0, this.state(0), "content_filter", events);
    }
    // Vertex chunks carry usageMetadata without counts; those must not overwrite real usage.
    if (chunk.usageMetadata && Object.keys(chunk.usageMetadata).some((key) => key.endsWith("TokenCount"))) {
      // Each chunk's counts cover everything generated up to and including that chunk.
      // A cache this very call created is reported as read: it was written, and is billed so.
      const usage = withCacheWrites(mapGeminiUsage(chunk.usageMetadata), this.cacheWriteTokens);
      events.push({ type: "usage", usage, outputCounted: true });
    }
    return events;
  }

  /** Every choice seen so far has finished (and there was at least one). */
  get complete(): boolean {
    return this.choices.size > 0 && [...this.choices.values()].every((state) => state.finished);
  }

  get sawChoices(): boolean {
    return this.choices.size > 0;
  }

  /** Finishes choices whose reply carried no finishReason, as that reply's end. */
  close(): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const [choice, state] of this.choices) {
      this.finish(choice, state, mapGeminiFinishReason(undefined, state.calls > 0), events);
    }
    return events;
  }

  private state(choice: number): ChoiceState {
    let state = this.choices.get(choice);
    if (!state) this.choices.set(choice, (state = { calls: 0, details: 0, finished: false }));
    return state;
  }

  private readCandidate(choice: number, candidate: GeminiCandidate, events: StreamEvent[]): void {
    const state = this.state(choice);
    for (const part of candidate.content?.parts ?? []) this.readPart(choice, state, part, events);
    if (candidate.finishReason) {
      this.finish(choice, state, mapGeminiFinishReason(candidate.finishReason, state.calls > 0), events);
    }
  }

  private readPart(choice: number, state: ChoiceState, part: GeminiPart, events: StreamEvent[]): void {
    let toolCallId: string | null = null;
    if (part.functionCall) toolCallId = this.readFunctionCall(choice, state, part.functionCall, events);
    else if (part.text) events.push({ type: part.thought ? "reasoning" : "text", choice, text: part.text });
    if (part.thoughtSignature) {
      const detail = signatureDetail(part.thoughtSignature, toolCallId, state.details++);
      events.push({ type: "reasoning_detail", choice, detail });
    }
  }

  /** Returns the id of the tool call the part belongs to. */
  private readFunctionCall(choice: number, state: ChoiceState, fc: GeminiFunctionCall, events: StreamEvent[]): string {
    // A nameless part continues the open call; a named one starts a new call.
    let open = fc.name == null ? state.open : undefined;
    if (!open) {
      this.closeCall(choice, state, events);
      if (!fc.name) throw streamError("google sent a function call without a name");
      open = { call: state.calls++, id: fc.id ?? this.newToolCallId(), args: { ...fc.args } };
      state.open = open;
      events.push({ type: "tool_call_start", choice, call: open.call, id: open.id, name: fc.name });
    }
    if (fc.partialArgs) applyPartialArgs(open.args, fc.partialArgs);
    if (!fc.willContinue) this.closeCall(choice, state, events);
    return open.id;
  }

  private closeCall(choice: number, state: ChoiceState, events: StreamEvent[]): void {
    if (!state.open) return;
    events.push({ type: "tool_call_delta", choice, call: state.open.call, arguments: JSON.stringify(state.open.args) });
    state.open = undefined;
  }

  private finish(choice: number, state: ChoiceState, reason: FinishReason, events: StreamEvent[]): void {
    if (state.finished) return;
    this.closeCall(choice, state, events);
    state.finished = true;
    events.push({ type: "finish", choice, reason });
  }
}
