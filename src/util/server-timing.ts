/**
 * The `Server-Timing` header: the gateway's own share of a request and the
 * upstream's, in milliseconds, so anyone can see what the gateway adds.
 */
export function serverTiming(startedAt: number, upstreamMs: number): string {
  const totalMs = performance.now() - startedAt;
  return `gateway;dur=${(totalMs - upstreamMs).toFixed(3)}, upstream;dur=${upstreamMs.toFixed(3)}`;
}
