/**
 * Every failure a client can see, in one catalogue: the spec's error table
 * (errors.txt) plus the gateway's own 4xx. Thrown anywhere; the HTTP layer
 * turns an ApiError into the OpenAI error envelope, the stream writers into
 * a mid-stream error frame. Build errors only through the factories below.
 */

export type ErrorType = "invalid_request_error" | "authentication_error" | "api_error" | "upstream_error";

export type ErrorCode =
  | "invalid_request"
  | "invalid_json"
  | "unsupported_parameter"
  | "unsupported_media_type"
  | "request_too_large"
  | "model_not_found"
  | "chat_unsupported"
  | "embeddings_unsupported"
  | "not_found"
  | "conflict"
  | "previous_response_not_found"
  | "client_closed"
  | "missing_auth"
  | "invalid_key"
  | "expired_key"
  | "invalid_session"
  | "forbidden"
  | "insufficient_credit"
  | "spend_limit_exceeded"
  | "upstream_invalid_request"
  | "no_supplier"
  | "upstream_timeout"
  | "stream_error";

/**
 * Why a supplier could not serve a request, for failures that are the
 * supplier's and not the request's (a retry elsewhere may succeed).
 */
export type SupplierFailure =
  | "unreachable"
  | "timeout"
  | "rate_limited"
  | "overloaded"
  | "server_error"
  | "credentials"
  | "redirect"
  | "malformed_reply"
  | "not_configured";

export interface ApiErrorOptions {
  status: number;
  type: ErrorType;
  /** A catalogue code; mid-stream upstream errors may carry the upstream's own (see streamError). */
  code: ErrorCode | null;
  message: string;
  param?: string;
  /** Seconds the client should wait before retrying: sent as `Retry-After`. */
  retryAfterSeconds?: number;
  supplierFailure?: SupplierFailure;
}

/**
 * Longest message sent: messages quote what the client sent (a model id, a
 * content part type), and a 100 KB value must not come back 100 KB long.
 */
const MAX_MESSAGE_LENGTH = 1_000;

export class ApiError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: ErrorCode | null;
  readonly param: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly supplierFailure: SupplierFailure | undefined;

  constructor(options: ApiErrorOptions) {
    const { message } = options;
    super(message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message);
    this.name = "ApiError";
    this.status = options.status;
    this.type = options.type;
    this.code = options.code;
    this.param = options.param;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.supplierFailure = options.supplierFailure;
  }

  /** The same error with other fields (e.g. a Retry-After learnt from the response headers). */
  with(changes: Partial<ApiErrorOptions>): ApiError {
    return new ApiError({ ...this.options(), ...changes });
  }

  toEnvelope() {
    const error: { message: string; type: string; code: string | null; param?: string } = {
      message: this.message,
      type: this.type,
      code: this.code,
    };
    if (this.param !== undefined) error.param = this.param;
    return { error };
  }

  private options(): ApiErrorOptions {
    const { status, type, code, message, param, retryAfterSeconds, supplierFailure } = this;
    return { status, type, code, message, param, retryAfterSeconds, supplierFailure };
  }
}

const badRequest = (code: ErrorCode, message: string, param?: string) =>
  new ApiError({ status: 400, type: "invalid_request_error", code, message, param });

// --- 4xx: the request ------------------------------------------------------------------------------

/** A request the gateway understood but cannot accept; `param` names the offending field. */
export const invalidRequest = (message: string, param?: string) => badRequest("invalid_request", message, param);

export const invalidJson = (
  message = "the request body could not be parsed: send valid JSON with 'Content-Type: application/json'",
) => badRequest("invalid_json", message);

export const unsupportedParameter = (param: string, message: string) => badRequest("unsupported_parameter", message, param);

export const modelNotFound = (id: string) => badRequest("model_not_found", `model "${id}" not found`, "model");

export const chatUnsupported = (id: string) =>
  badRequest("chat_unsupported", `model "${id}" is an embedding model: use POST /v1/embeddings`, "model");

export const embeddingsUnsupported = (id: string) =>
  badRequest("embeddings_unsupported", `model "${id}" does not support embeddings: use it on POST /v1/chat/completions`, "model");

/** The provider refused the request itself as invalid: the client's to fix, with the provider's (scrubbed) words. */
export const upstreamInvalidRequest = (message: string) => badRequest("upstream_invalid_request", message);

export const requestTooLarge = (limit: number) =>
  new ApiError({
    status: 413,
    type: "invalid_request_error",
    code: "request_too_large",
    message: `the request body is larger than the ${limit}-byte limit`,
  });

export const unsupportedMediaType = (contentType: string) =>
  new ApiError({
    status: 415,
    type: "invalid_request_error",
    code: "unsupported_media_type",
    message: `this endpoint takes a JSON body: send it with 'Content-Type: application/json' (got '${contentType.slice(0, 100)}')`,
  });

/** `GET /v1/models/{id}` for an id the caller's model list does not have (OpenAI answers 404 here, not 400). */
export const modelNotListed = (id: string) =>
  new ApiError({ status: 404, type: "invalid_request_error", code: "model_not_found", message: `model "${id}" does not exist`, param: "model" });

export const notFound = () =>
  new ApiError({ status: 404, type: "invalid_request_error", code: "not_found", message: "no such endpoint; see /docs for the API" });

/** A named thing (a workspace, a key, a request, a stored response) that does not exist, or not for this caller. */
export const resourceNotFound = (message: string) =>
  new ApiError({ status: 404, type: "invalid_request_error", code: "not_found", message });

/** The request clashes with what exists: a name taken, an Idempotency-Key reused for another request. */
export const conflict = (message: string, param?: string) =>
  new ApiError({ status: 409, type: "invalid_request_error", code: "conflict", message, param });

/** A stored response the caller cannot see: unknown, expired, stored with `store: false`, or another workspace's. */
export const responseNotFound = (id: string) => resourceNotFound(`response with id '${id}' not found`);

export const previousResponseNotFound = (id: string) =>
  new ApiError({
    status: 404,
    type: "invalid_request_error",
    code: "previous_response_not_found",
    message: `previous response with id '${id}' not found (responses are kept for a limited time, and not at all with store: false)`,
    param: "previous_response_id",
  });

/** An `item_reference` (or a reasoning item given by id alone) naming no item of the caller's stored responses. */
export const itemNotFound = (id: string, param: string) =>
  resourceNotFound(`item with id '${id}' not found (items are not kept with store: false)`).with({ param });

/** nginx's 499: the client closed the request before the reply; nobody reads it. */
export const clientClosed = () =>
  new ApiError({ status: 499, type: "invalid_request_error", code: "client_closed", message: "the client closed the request" });

const authError = (code: ErrorCode, message: string) =>
  new ApiError({ status: 401, type: "authentication_error", code, message });
export const missingAuth = () => authError("missing_auth", "missing API key: send it as 'Authorization: Bearer <key>'");
export const invalidKey = () => authError("invalid_key", "invalid API key");
export const expiredKey = () => authError("expired_key", "this API key has expired");
export const invalidSession = () => authError("invalid_session", "the console session has ended or expired: sign in again");

export const forbidden = (message: string) => new ApiError({ status: 403, type: "authentication_error", code: "forbidden", message });

export const insufficientCredit = (message: string) =>
  new ApiError({ status: 402, type: "invalid_request_error", code: "insufficient_credit", message });

export const spendLimitExceeded = (message: string) =>
  new ApiError({ status: 429, type: "invalid_request_error", code: "spend_limit_exceeded", message });

// --- 5xx: the gateway or the provider --------------------------------------------------------------

/** A 500 that names the request id and nothing else; the details go to the log under that id. */
export const internalError = (requestId: string) =>
  new ApiError({ status: 500, type: "api_error", code: null, message: `internal error in the gateway (request id ${requestId})` });

/** The spec's 503: the provider failed, or none is available for the model. */
export const noSupplier = (message: string, failure: SupplierFailure, retryAfterSeconds?: number) =>
  new ApiError({ status: 503, type: "upstream_error", code: "no_supplier", message, supplierFailure: failure, retryAfterSeconds });

/** A 2xx whose body is not what the provider's protocol promises. */
export const malformedReply = (message: string) => noSupplier(message, "malformed_reply");

export const upstreamTimeout = (message: string) =>
  new ApiError({ status: 504, type: "upstream_error", code: "upstream_timeout", message, supplierFailure: "timeout" });

/**
 * A failure after a stream's 200 went out. The code is `stream_error`, or
 * the upstream's own error code when it sent one (the spec allows both).
 */
export const streamError = (message: string, upstreamCode?: string) =>
  new ApiError({ status: 502, type: "upstream_error", code: (upstreamCode ?? "stream_error") as ErrorCode, message });

/** A mistake by whoever ran an admin command: shown as one line, never as a stack trace. */
export class UserError extends Error {}
