/** When each request arrived (performance.now()), for Server-Timing; gone with the request. */
const starts = new WeakMap<Request, number>();

export function markStart(request: Request) {
  starts.set(request, performance.now());
}

export function startOf(request: Request): number {
  return starts.get(request) ?? performance.now();
}
