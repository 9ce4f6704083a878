/**
 * A failure with a place in the spec's error table (errors.txt). Thrown
 * anywhere; the HTTP layer turns it into the OpenAI error envelope, and the
 * stream writer into a mid-stream error frame.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = "ApiError";
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
}

export const invalidRequest = (message: string, code: string | null = null, param?: string) =>
  new ApiError(400, "invalid_request_error", code, message, param);

export const unsupportedParameter = (param: string, message: string) =>
  new ApiError(400, "invalid_request_error", "unsupported_parameter", message, param);

export const modelNotFound = (id: string) =>
  new ApiError(400, "invalid_request_error", "model_not_found", `model "${id}" not found`, "model");

export const noSupplier = (message: string) => new ApiError(503, "upstream_error", "no_supplier", message);

export const upstreamTimeout = (message: string) =>
  new ApiError(504, "upstream_error", "upstream_timeout", message);

/** A failure after a stream's 200 went out; code is `stream_error` or the upstream's own. */
export const streamError = (message: string, code = "stream_error") =>
  new ApiError(502, "upstream_error", code, message);

/** A mistake by whoever ran an admin command: shown as one line, never as a stack trace. */
export class UserError extends Error {}
