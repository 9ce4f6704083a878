import { Elysia } from "elysia";
import { invalidRequest, unsupportedParameter } from "../../errors.ts";
import { INCLUDE_ENCRYPTED_REASONING, ResponseCreateRequest } from "../../openai/responses-request.ts";
import { ResponseDeleted, ResponseItemList, ResponseObject, ResponseStreamEvent } from "../../openai/responses-response.ts";
import { createResponse, type ResponsesDeps, streamResponse } from "../../responses/create-response.ts";
import { type InputItemsQuery, listInputItems } from "../../responses/input-items.ts";
import { deleteResponse, retrieveResponse } from "../../responses/stored-response.ts";
import { authErrorResponses, billedRouteErrorResponses, documentResponses, errorResponse } from "../openapi-responses.ts";
import { limitParam, queryList } from "../query-params.ts";
import { billedJsonResponse, eventStreamResponse, jsonResponse, type StreamLimits } from "../reply.ts";
import { authenticated, requestContext } from "../request-context.ts";

/** `?include=reasoning.encrypted_content`: the reasoning items' encrypted content. */
const includesEncrypted = (query: URLSearchParams) => queryList(query, "include").includes(INCLUDE_ENCRYPTED_REASONING);

/** A replay stream is not served. */
function retrieveOptions(request: Request): { includeEncrypted: boolean } {
  const query = new URL(request.url).searchParams;
  if (query.get("stream") === "true") throw unsupportedParameter("stream", "replaying a stored response as a stream is not supported");
  return { includeEncrypted: includesEncrypted(query) };
}

/** `limit` 1–100 (20), `order` asc or desc (desc), `after` / `before` item ids, `include`. */
function inputItemsQuery(request: Request): InputItemsQuery {
  const query = new URL(request.url).searchParams;
  const order = query.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw invalidRequest("'order' must be asc or desc", "order");
  return {
    limit: limitParam(query.get("limit") ?? undefined, 100, 20),
    order,
    after: query.get("after") ?? undefined,
    before: query.get("before") ?? undefined,
    includeEncrypted: includesEncrypted(query),
  };
}

const notFound404 = errorResponse("invalid_request_error / not_found: unknown, expired, stored with store: false, or another workspace's");

export const responseRoutes = (deps: ResponsesDeps, limits: StreamLimits) =>
  new Elysia({ name: "responses" })
    .use(requestContext)
    .post(
      "/v1/responses",
      // async: Elysia decides from the source whether to await the handler inside its error handling.
      async ({ body, ctx }) =>
        body.stream
          ? eventStreamResponse(await streamResponse(deps, body, authenticated(ctx)), ctx, limits)
          : billedJsonResponse(await createResponse(deps, body, authenticated(ctx)), ctx),
      {
        body: ResponseCreateRequest,
        // Names the content type for the OpenAPI plugin; the app's size-limited JSON parser runs first.
        parse: "json",
        detail: {
          summary: "Create response",
          description:
            "OpenAI's Responses API, routed by the `{provider}/{model}` id to Gemini or Claude, billed like chat completions. Input items: messages (input_text, input_image), function_call, function_call_output, reasoning (with the encrypted content the gateway returned) and item_reference. Stored for RESPONSES_RETENTION_DAYS unless `store: false`, so `previous_response_id` and `item_reference` can continue from it. With `stream: true` the reply is the Responses semantic events (Server-Sent Events with `event:` names and increasing sequence numbers); a failure after the 200 ends it with an `error` event and `response.failed`. Fields the gateway cannot honour (background, conversation, non-function tools, include values other than reasoning.encrypted_content, truncation auto, prompt, top_logprobs, …) are a 400 unsupported_parameter naming them.",
          tags: ["Responses"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({
            200: {
              description: "A response, or with `stream: true` an event stream of Responses events",
              schema: ResponseObject,
              alternatives: { "text/event-stream": ResponseStreamEvent },
            },
            400: errorResponse("invalid_request_error: model_not_found, unsupported_parameter, chat_unsupported, invalid_json, invalid_request"),
            404: errorResponse("invalid_request_error: previous_response_not_found, not_found (an item_reference to no stored item)"),
            ...billedRouteErrorResponses,
          }),
        },
      },
    )
    .get(
      "/v1/responses/:id",
      async ({ params, ctx, request }) => {
        const { includeEncrypted } = retrieveOptions(request);
        const response = await retrieveResponse(deps.store, params.id, authenticated(ctx).principal.workspaceId, includeEncrypted);
        return jsonResponse(JSON.stringify(response), ctx);
      },
      {
        detail: {
          summary: "Retrieve response",
          description:
            "A stored response of the caller's workspace. `include=reasoning.encrypted_content` adds the reasoning items' encrypted content.",
          tags: ["Responses"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({ 200: { description: "The response", schema: ResponseObject }, 404: notFound404, ...authErrorResponses }),
        },
      },
    )
    .get(
      "/v1/responses/:id/input_items",
      async ({ params, ctx, request }) => {
        const page = await listInputItems(deps.store, params.id, authenticated(ctx).principal.workspaceId, inputItemsQuery(request));
        return jsonResponse(JSON.stringify(page), ctx);
      },
      {
        detail: {
          summary: "List input items",
          description:
            "The items a stored response was generated from: the conversation behind its `previous_response_id` (each earlier response's input and output), then the request's own items, newest first unless `order=asc`. `limit` 1–100 (default 20); `after` / `before` take an item id of the list; `include=reasoning.encrypted_content` adds the reasoning items' encrypted content.",
          tags: ["Responses"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({
            200: { description: "A page of items", schema: ResponseItemList },
            400: errorResponse("invalid_request_error / invalid_request: a bad limit or order, or an after / before id not in the list"),
            404: notFound404,
            ...authErrorResponses,
          }),
        },
      },
    )
    .delete(
      "/v1/responses/:id",
      async ({ params, ctx }) => jsonResponse(JSON.stringify(await deleteResponse(deps.store, params.id, authenticated(ctx).principal.workspaceId)), ctx),
      {
        detail: {
          summary: "Delete response",
          description: "Deletes a stored response of the caller's workspace.",
          tags: ["Responses"],
          security: [{ bearerAuth: [] }],
          responses: documentResponses({ 200: { description: "Deleted", schema: ResponseDeleted }, 404: notFound404, ...authErrorResponses }),
        },
      },
    );
