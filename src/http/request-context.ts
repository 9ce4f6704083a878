import { Elysia } from "elysia";
import type { AdminPrincipal, Principal } from "../auth/authenticator.ts";
import { type CallRecord, newCallRecord, type RequestObserver } from "../observability/finished-request.ts";
import type { IdleTimer } from "./idle-timer.ts";
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
  /** The caller's key, on /v1 routes (set before the body is read). */
  principal: Principal | undefined;
  /** The caller's management key, on /admin/v1 routes. */
  admin: AdminPrincipal | undefined;
  /** The connection's idle timer (idle-timer.ts); undefined without a server (tests). */
  readonly idleTimer: IdleTimer | undefined;

  // What the request came to, filled in as it goes, for its metrics and access-log line (finish-request.ts).
  readonly observer: RequestObserver;
  /** Epoch ms of arrival. */
  readonly arrivedAt: number;
  readonly method: string;
  /** The matched route's template; set before the handler runs. */
  route: string | undefined;
  readonly record: CallRecord;
  overheadMs: number | undefined;
  /** The reply is a stream: its record ends when the stream does. */
  streaming: boolean;
  finished: boolean;
}

export function newRequestContext(request: Request, idleTimer: IdleTimer | undefined, observer: RequestObserver): RequestContext {
  return {
    requestId: newRequestId(),
    startedAt: performance.now(),
    signal: request.signal,
    bodyBytes: 0,
    principal: undefined,
    admin: undefined,
    idleTimer,
    observer,
    arrivedAt: Date.now(),
    method: request.method,
    route: undefined,
    record: newCallRecord(),
    overheadMs: undefined,
    streaming: false,
    finished: false,
  };
}

/**
 * Types `ctx` for route plugins. The value is set per request by the app's
 * onRequest hook; the decorated placeholder is never read. Named, so Elysia
 * registers it once however many route plugins use it.
 */
export const requestContext = new Elysia({ name: "request-context" }).decorate("ctx", undefined as unknown as RequestContext);

export type AuthenticatedContext = RequestContext & { readonly principal: Principal };

/** The context of an authenticated route (the app authenticates every /v1 request before routing). */
export function authenticated(ctx: RequestContext): AuthenticatedContext {
  if (!ctx.principal) throw new Error("authenticated() on a route that is not authenticated");
  return ctx as AuthenticatedContext;
}
