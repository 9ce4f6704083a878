/** The part of Bun's `Server` the idle timer needs. */
export interface IdleTimerServer {
  timeout(request: Request, seconds: number): void;
}

/**
 * A client connection's idle timer: Bun's, per socket, and it runs while a
 * request is being answered too. It is held off while a reply is worked on
 * (a slow completion, a long pause between stream events), put back when
 * the request's record ends (else one cheap request would keep a kept-alive
 * connection open for good), and set to one second to close a stalled
 * socket: Bun checks on a 4-second tick, and it is the only way to close a
 * socket from JavaScript.
 */
export class IdleTimer {
  constructor(
    private readonly server: IdleTimerServer,
    private readonly request: Request,
    private readonly idleSeconds: number,
  ) {}

  holdOff(): void {
    this.server.timeout(this.request, 0);
  }

  restore(): void {
    this.server.timeout(this.request, this.idleSeconds);
  }

  close(): void {
    this.server.timeout(this.request, 1);
  }
}
