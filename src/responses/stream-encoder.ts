import { nanoToUsdNumber } from "../billing/money.ts";
import type { StreamFrameEncoder } from "../calls/call-stream-frames.ts";
import type { CallStreamEvent } from "../calls/stream-call.ts";
import { type ApiError, streamError } from "../errors.ts";
import type { ReasoningDetail } from "../openai/chat-request.ts";
import type { FinishReason } from "../openai/chat-response.ts";
import type { OutputItem, ResponseUsage } from "../openai/responses-response.ts";
import type { ResultToolCall } from "../providers/types.ts";
import { ZERO_USAGE } from "../openai/usage.ts";
import { itemId } from "./item-ids.ts";
import { functionCallItem, messageItem, outputTextPart, reasoningItem, visibleItem } from "./output-items.ts";
import { outcomeStatus, type ResponseMeta, type ResponseOutcome, responseObject, textStatus, toResponsesUsage } from "./response-object.ts";

/** The output item being streamed (one at a time: a new one closes it). */
type OpenItem =
  | { kind: "message"; index: number; id: string; text: string }
  | { kind: "reasoning"; index: number; id: string; text: string; details: ReasoningDetail[] }
  | { kind: "function_call"; index: number; id: string; call: ResultToolCall; position: number };

/**
 * A call's stream as the Responses API's semantic events, each written as its
 * upstream event arrives, with increasing `sequence_number`s: created and
 * in_progress; per output item its added event, its part, deltas and done
 * events, its done event; one terminal completed, incomplete or failed.
 *
 * Reasoning text opens a reasoning item whose reasoning details (Claude's
 * signed thinking, arriving before the answer) become its encrypted content.
 * Details that arrive with a later item (Gemini signs the function call or
 * text part itself) go into one more reasoning item at the end; on input,
 * consecutive assistant-side items form one turn, so the order does not
 * matter to the round trip.
 */
export class ResponsesStreamEncoder implements StreamFrameEncoder {
  private sequence = 0;
  /** Finished items, as stored (encrypted content included). */
  private readonly output: OutputItem[] = [];
  private open: OpenItem | undefined;
  private readonly lateDetails: ReasoningDetail[] = [];
  private finish: FinishReason | undefined;
  private usage: ResponseUsage | null = null;

  constructor(
    private readonly meta: ResponseMeta,
    /** The finished turn, for storage. */
    private readonly onDone: (outcome: ResponseOutcome) => void,
  ) {}

  start(): string[] {
    const response = this.response({ status: "in_progress", incompleteReason: undefined, output: [], usage: null });
    return [this.frame("response.created", { response }), this.frame("response.in_progress", { response })];
  }

  encode(event: CallStreamEvent): string[] {
    const frames: string[] = [];
    switch (event.type) {
      case "text": {
        const item = this.message(frames);
        item.text += event.text;
        frames.push(this.frame("response.output_text.delta", { ...this.at(item), content_index: 0, delta: event.text, logprobs: [] }));
        break;
      }
      case "reasoning": {
        const item = this.reasoning(frames);
        if (item.text === "") {
          frames.push(this.frame("response.reasoning_summary_part.added", { ...this.at(item), summary_index: 0, part: summaryPart("") }));
        }
        item.text += event.text;
        frames.push(this.frame("response.reasoning_summary_text.delta", { ...this.at(item), summary_index: 0, delta: event.text }));
        break;
      }
      case "reasoning_detail":
        if (this.open === undefined || this.open.kind === "reasoning") this.reasoning(frames).details.push(event.detail);
        else this.lateDetails.push(event.detail);
        break;
      case "tool_call_start": {
        this.close(frames);
        const index = this.output.length;
        const call = { id: event.id, name: event.name, arguments: "" };
        const item: OpenItem = { kind: "function_call", index, id: itemId(this.meta.id, "fc", "o", index), call, position: event.call };
        this.open = item;
        frames.push(this.frame("response.output_item.added", { output_index: index, item: functionCallItem(item.id, call, "in_progress") }));
        break;
      }
      case "tool_call_delta": {
        const item = this.open;
        // The translators finish each call's arguments before the next item starts.
        if (item?.kind !== "function_call" || item.position !== event.call) throw streamError("tool call arguments arrived after the call ended");
        item.call.arguments += event.arguments;
        frames.push(this.frame("response.function_call_arguments.delta", { ...this.at(item), delta: event.arguments }));
        break;
      }
      case "finish":
        this.finish = event.reason;
        break;
      case "billed":
        this.usage = toResponsesUsage(event.usage ?? ZERO_USAGE, nanoToUsdNumber(event.cost));
        break;
      case "usage":
        // The billed event carries the usage settled.
        break;
    }
    return frames;
  }

  end(): string[] {
    const frames: string[] = [];
    this.close(frames);
    if (this.lateDetails.length > 0) {
      const index = this.output.length;
      const item = reasoningItem(itemId(this.meta.id, "rs", "o", index), undefined, this.lateDetails);
      frames.push(this.frame("response.output_item.added", { output_index: index, item: { id: item.id, type: "reasoning", summary: [] } }));
      frames.push(this.frame("response.output_item.done", { output_index: index, item: visibleItem(item, this.meta.includeEncrypted) }));
      this.output.push(item);
    }
    const outcome: ResponseOutcome = { ...outcomeStatus(this.finish), output: this.output, usage: this.usage };
    this.onDone(outcome);
    const type = outcome.status === "completed" ? "response.completed" : "response.incomplete";
    frames.push(this.frame(type, { response: this.response(outcome) }));
    return frames;
  }

  /**
   * An `error` event (which the OpenAI clients raise), then response.failed
   * with the error and the items finished so far; stored as failed.
   */
  fail(error: ApiError): string[] {
    const failed: ResponseOutcome = {
      status: "failed",
      incompleteReason: undefined,
      output: this.output,
      usage: this.usage,
      error: { code: error.code, message: error.message },
    };
    this.onDone(failed);
    return [
      this.frame("error", { code: error.code, message: error.message, param: error.param ?? null }),
      this.frame("response.failed", { response: this.response(failed) }),
    ];
  }

  private response(outcome: ResponseOutcome) {
    return responseObject(this.meta.fields, this.meta.model, outcome, this.meta.includeEncrypted);
  }

  private message(frames: string[]): Extract<OpenItem, { kind: "message" }> {
    if (this.open?.kind === "message") return this.open;
    this.close(frames);
    const index = this.output.length;
    const item = { kind: "message" as const, index, id: itemId(this.meta.id, "msg", "o", index), text: "" };
    this.open = item;
    frames.push(this.frame("response.output_item.added", { output_index: index, item: messageItem(item.id, undefined, "in_progress") }));
    frames.push(this.frame("response.content_part.added", { ...this.at(item), content_index: 0, part: outputTextPart("") }));
    return item;
  }

  private reasoning(frames: string[]): Extract<OpenItem, { kind: "reasoning" }> {
    if (this.open?.kind === "reasoning") return this.open;
    this.close(frames);
    const index = this.output.length;
    const item = { kind: "reasoning" as const, index, id: itemId(this.meta.id, "rs", "o", index), text: "", details: [] };
    this.open = item;
    frames.push(this.frame("response.output_item.added", { output_index: index, item: { id: item.id, type: "reasoning", summary: [] } }));
    return item;
  }

  /** Finishes the open item: its done events, then output_item.done. */
  private close(frames: string[]): void {
    const item = this.open;
    if (!item) return;
    this.open = undefined;
    let done: OutputItem;
    switch (item.kind) {
      case "message": {
        const part = outputTextPart(item.text);
        frames.push(this.frame("response.output_text.done", { ...this.at(item), content_index: 0, text: item.text, logprobs: [] }));
        frames.push(this.frame("response.content_part.done", { ...this.at(item), content_index: 0, part }));
        done = messageItem(item.id, item.text, textStatus(this.finish));
        break;
      }
      case "reasoning":
        if (item.text !== "") {
          frames.push(this.frame("response.reasoning_summary_text.done", { ...this.at(item), summary_index: 0, text: item.text }));
          frames.push(this.frame("response.reasoning_summary_part.done", { ...this.at(item), summary_index: 0, part: summaryPart(item.text) }));
        }
        done = reasoningItem(item.id, item.text || undefined, item.details);
        break;
      case "function_call":
        frames.push(this.frame("response.function_call_arguments.done", { ...this.at(item), arguments: item.call.arguments }));
        done = functionCallItem(item.id, item.call, "completed");
        break;
    }
    frames.push(this.frame("response.output_item.done", { output_index: item.index, item: visibleItem(done, this.meta.includeEncrypted) }));
    this.output.push(done);
  }

  private at(item: OpenItem) {
    return { item_id: item.id, output_index: item.index };
  }

  private frame(type: string, payload: object): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...payload })}\n\n`;
  }
}

const summaryPart = (text: string) => ({ type: "summary_text" as const, text });
