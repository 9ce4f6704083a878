import { Elysia } from "elysia";
import type { Principal } from "../auth/authenticator.ts";
import { newRequestId } from "./request-id.ts";

/**
 * What the HTTP layer knows about one request, derived once when it arrives
 * (app.ts) and handed to the services: no side tables keyed by Request.
 */
export interface RequestContext {
  readonly requestId: string;
  /** performance.now() when the request arrived (Server-Timing). */
  readonly startedAt: number;
  /** The client's signal: a disconnect aborts the work the request started. */
  readonly signal: AbortSignal;
  /** The body's size in bytes once it is read (billing's worst-case input); 0 without a body. */
  bodyBytes: number;
  /** The caller's key, on authenticated routes (set before the body is read). */
  principal: Principal | undefined;
}

export function newRequestContext(request: Request): RequestContext {
  return {
    requestId: newRequestId(),
    startedAt: performance.now(),
    signal: request.signal,
    bodyBytes: 0,
    principal: undefined,
  };
}

/**
 * Types `ctx` for route plugins. The value is set per request by the app's
 * onRequest hook; the decorated placeholder is never read. Named, so Elysia
 * registers it once however many route plugins use it.
 */
export const requestContext = new Elysia({ name: "request-context" }).decorate("ctx", undefined as unknown as RequestContext);

/** The principal of an authenticated route (the app authenticates every /v1 request before routing). */
export function principalOf(ctx: RequestContext): Principal {
  if (!ctx.principal) throw new Error("principalOf() on a route that is not authenticated");
  return ctx.principal;
}
