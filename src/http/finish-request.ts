import type { RequestContext } from "./request-context.ts";

/**
 * Ends a request's record: once, when its reply is built (a stream: when
 * its last frame is produced or it is cut), handing one FinishedRequest to
 * the observer (metrics, access log). The connection's idle timer runs again
 * from here.
 */
export function finishRequest(ctx: RequestContext, status: number, errorCode?: string | null): void {
  if (ctx.finished) return;
  ctx.finished = true;
  ctx.idleTimer?.restore();
  const { principal, record } = ctx;
  ctx.observer.finished({
    requestId: ctx.requestId,
    at: ctx.arrivedAt,
    method: ctx.method,
    route: ctx.route ?? "other",
    status,
    errorCode: errorCode ?? record.errorCode,
    model: record.model,
    workspaceId: principal?.workspaceId,
    keyId: principal?.keyId,
    keyPrefix: principal?.keyPrefix,
    billed: record.billed,
    durationMs: performance.now() - ctx.startedAt,
    overheadMs: ctx.overheadMs,
  });
}
