import { Elysia } from "elysia";
import { type ChatDeps, completeChat, streamChat } from "../../chat/chat-service.ts";
import { ChatCompletionRequest } from "../../openai/chat-request.ts";
import { ChatCompletion, ChatCompletionChunk } from "../../openai/chat-response.ts";
import { billedRouteErrorResponses, documentResponses, errorResponse } from "../openapi-responses.ts";
import { billedJsonResponse, eventStreamResponse, type StreamLimits } from "../reply.ts";
import { authenticated, requestContext } from "../request-context.ts";

export const chatRoutes = (deps: ChatDeps, limits: StreamLimits) =>
  new Elysia({ name: "chat" }).use(requestContext).post(
    "/v1/chat/completions",
    // async: Elysia decides from the source whether to await the handler inside its error handling.
    async ({ body, ctx }) =>
      body.stream
        ? eventStreamResponse(await streamChat(deps, body, authenticated(ctx)), ctx, limits)
        : billedJsonResponse(await completeChat(deps, body, authenticated(ctx)), ctx),
    {
      body: ChatCompletionRequest,
      // Names the content type for the OpenAPI plugin; the app's size-limited JSON parser runs first.
      parse: "json",
      detail: {
        summary: "Create chat completion",
        description:
          "OpenAI Chat Completions, routed by the `{provider}/{model}` id to Gemini or Claude. With `stream: true` the reply is Server-Sent Events of chat.completion.chunk frames ending in `data: [DONE]`; a failure after the 200 arrives as one `data:` frame holding the error envelope, then `data: [DONE]`.",
        tags: ["Chat"],
        security: [{ bearerAuth: [] }],
        responses: documentResponses({
          200: {
            description: "A chat.completion, or with `stream: true` an event stream whose data frames are chat.completion.chunk objects",
            schema: ChatCompletion,
            alternatives: { "text/event-stream": ChatCompletionChunk },
          },
          400: errorResponse("invalid_request_error: model_not_found, unsupported_parameter, chat_unsupported, invalid_json, invalid_request"),
          ...billedRouteErrorResponses,
        }),
      },
    },
  );
