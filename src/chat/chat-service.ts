import type { Catalog } from "../catalog/catalog.ts";
import type { ProviderName } from "../catalog/model.ts";
import { ApiError } from "../errors.ts";
import { newCompletionMeta, toChatCompletion } from "../openai/build-completion.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { ChunkEncoder, DONE_FRAME } from "../openai/chunk-encoder.ts";
import type { ChatAdapter } from "../providers/adapter.ts";
import type { Upstream } from "../providers/upstream-client.ts";
import { resolveChatModel } from "./resolve-chat-model.ts";

export interface ChatDeps {
  catalog: Catalog;
  upstream: Upstream;
  adapters: Record<ProviderName, ChatAdapter>;
}

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" };

/** A non-streaming completion. `signal` is the client's: a disconnect aborts the upstream call. */
export async function completeChat(deps: ChatDeps, body: ChatCompletionRequest, signal: AbortSignal): Promise<Response> {
  const model = resolveChatModel(deps.catalog, body);
  const adapter = deps.adapters[model.provider];
  const call = adapter.buildRequest(body, model, false);
  const reply = await deps.upstream.send(model.provider, adapter, call, signal);
  const completion = toChatCompletion(adapter.parseResponse(reply), newCompletionMeta(model.id));
  return new Response(JSON.stringify(completion), { headers: JSON_HEADERS });
}

/**
 * A streaming completion. Failures before the upstream accepted the request
 * throw (and get a real HTTP status); after that, the 200 is sent and a
 * failure becomes one error frame followed by `[DONE]`.
 */
export async function streamChat(deps: ChatDeps, body: ChatCompletionRequest, signal: AbortSignal): Promise<Response> {
  const model = resolveChatModel(deps.catalog, body);
  const adapter = deps.adapters[model.provider];
  const call = adapter.buildRequest(body, model, true);
  const events = await deps.upstream.open(model.provider, adapter, call, signal);
  const translator = adapter.createStreamTranslator();
  const encoder = new ChunkEncoder(newCompletionMeta(model.id));
  const includeUsage = body.stream_options?.include_usage === true;

  async function* frames() {
    try {
      yield encoder.start();
      for await (const event of events) {
        for (const translated of translator.push(event.event, event.data)) {
          const frame = encoder.encode(translated);
          if (frame) yield frame;
        }
      }
      if (signal.aborted) return;
      for (const translated of translator.end()) {
        const frame = encoder.encode(translated);
        if (frame) yield frame;
      }
      if (includeUsage) yield encoder.usageFrame();
    } catch (error) {
      if (signal.aborted) return;
      yield ChunkEncoder.errorFrame(error instanceof ApiError ? error : unexpectedStreamError(error));
    } finally {
      // Ends the upstream request too when the client went away mid-stream.
      await events.return(undefined);
    }
    yield DONE_FRAME;
  }

  return new Response(frames(), { headers: SSE_HEADERS });
}

function unexpectedStreamError(error: unknown): ApiError {
  console.error("unexpected error in a stream:", error);
  return new ApiError(502, "upstream_error", "stream_error", "the stream failed inside the gateway");
}
