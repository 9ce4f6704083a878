import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rowsOf } from "../db/rows.ts";
import { responses } from "../db/schema.ts";
import { invalidRequest, previousResponseNotFound } from "../errors.ts";
import type { ResponseInputItem } from "../openai/responses-request.ts";
import type { OutputItem, ResponseObject, ResponseStatus, ResponseUsage } from "../openai/responses-response.ts";

/** The response object less what has its own column. */
export type ResponseFields = Omit<ResponseObject, "status" | "model" | "output" | "output_text" | "usage">;

export interface StoredResponse {
  id: string;
  workspaceId: string;
  createdAt: Date;
  expiresAt: Date;
  previousResponseId: string | null;
  model: string;
  status: ResponseStatus;
  /** The request's own items, references resolved, each with an id. */
  input: ResponseInputItem[];
  /** As returned, reasoning with its encrypted content whatever `include` said. */
  output: OutputItem[];
  usage: ResponseUsage | null;
  response: ResponseFields;
}

/** What an item reference needs of a response. */
export type StoredItems = Pick<StoredResponse, "output"> & Partial<Pick<StoredResponse, "input">>;

/**
 * The most stored responses one previous_response_id chain may span (each
 * turn of a conversation is one): what a single request may make the
 * gateway load. Longer conversations send their history as input items.
 */
export const MAX_CHAIN = 100;

const MAX_BATCH = 500;
const WRITE_ATTEMPTS = 3;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
const SWEEP_BATCH = 5_000;

interface ChainRow {
  id: string;
  previous_response_id: string | null;
  input: ResponseInputItem[];
  output: OutputItem[];
}

/**
 * Stored responses, per workspace, for `RESPONSES_RETENTION_DAYS`; expired
 * rows count as missing on every read and are swept hourly. Writes are off
 * the response path: a saved response is queued and written right after the
 * reply (the saves of one tick in one insert), and kept in memory until
 * then, so that this process sees it at once; another process sees it once
 * the insert commits, a few milliseconds after the reply.
 */
export class ResponseStore {
  /** Saved, not yet written. */
  private readonly pending = new Map<string, StoredResponse>();
  private queue: StoredResponse[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly db: Database,
    private readonly retentionDays: number,
  ) {}

  expiryFor(createdAt: Date): Date {
    return new Date(createdAt.getTime() + this.retentionDays * 86_400_000);
  }

  save(response: StoredResponse): void {
    this.pending.set(response.id, response);
    this.queue.push(response);
    this.timer ??= setTimeout(() => this.kick(), 0);
  }

  async find(id: string, workspaceId: string): Promise<StoredResponse | undefined> {
    const pending = this.pendingFor(id, workspaceId);
    if (pending) return pending;
    const [row] = await this.db.select().from(responses).where(and(eq(responses.id, id), ...visibleTo(workspaceId)));
    return row as StoredResponse | undefined;
  }

  /** Whether it was there to delete. */
  async remove(id: string, workspaceId: string): Promise<boolean> {
    // A response still being written would come back after the delete.
    if (this.pending.has(id)) await this.flush();
    const deleted = await this.db
      .delete(responses)
      .where(and(eq(responses.id, id), ...visibleTo(workspaceId)))
      .returning({ id: responses.id });
    return deleted.length > 0;
  }

  /**
   * The conversation `id` continues, oldest first: the response and its
   * predecessors. 404 when it or a predecessor is missing (unknown, expired,
   * never stored, another workspace's); 400 past MAX_CHAIN.
   */
  async chain(id: string, workspaceId: string): Promise<ChainRow[]> {
    const newestFirst: ChainRow[] = [];
    let next: string | null = id;
    for (let pending = this.pendingFor(id, workspaceId); pending && newestFirst.length <= MAX_CHAIN; ) {
      newestFirst.push(chainRow(pending));
      next = pending.previousResponseId;
      pending = next === null ? undefined : this.pendingFor(next, workspaceId);
    }
    if (next !== null && newestFirst.length <= MAX_CHAIN) {
      const rows = rowsOf<ChainRow>(
        await this.db.execute(sql`
          with recursive chain as (
            select id, previous_response_id, input, output, 1 as depth from responses
            where id = ${next} and workspace_id = ${workspaceId} and expires_at > now()
            union all
            select r.id, r.previous_response_id, r.input, r.output, c.depth + 1 from responses r
            join chain c on r.id = c.previous_response_id
            where r.workspace_id = ${workspaceId} and r.expires_at > now() and c.depth < ${MAX_CHAIN + 1 - newestFirst.length}
          )
          select id, previous_response_id, input, output from chain order by depth`),
      );
      newestFirst.push(...rows);
      next = rows.length > 0 ? rows.at(-1)!.previous_response_id : next;
      if (rows.length === 0) throw previousResponseNotFound(next!);
    }
    if (newestFirst.length > MAX_CHAIN) {
      throw invalidRequest(
        `the conversation behind previous_response_id spans more than ${MAX_CHAIN} stored responses; send its history as input items instead`,
        "previous_response_id",
      );
    }
    if (next !== null) throw previousResponseNotFound(next);
    return newestFirst.reverse();
  }

  /** The items of these responses that the caller can see, by response id; `input` only when asked. */
  async itemsOf(ids: readonly string[], workspaceId: string, withInput: boolean): Promise<Map<string, StoredItems>> {
    const found = new Map<string, StoredItems>();
    const unwritten: string[] = [];
    for (const id of ids) {
      const pending = this.pendingFor(id, workspaceId);
      if (pending) found.set(id, pending);
      else unwritten.push(id);
    }
    if (unwritten.length === 0) return found;
    const rows = await this.db
      .select({ id: responses.id, output: responses.output, ...(withInput && { input: responses.input }) })
      .from(responses)
      .where(and(inArray(responses.id, unwritten), ...visibleTo(workspaceId)));
    for (const row of rows) found.set(row.id, row as StoredItems & { id: string });
    return found;
  }

  /** Starts the hourly sweep of expired rows (one right away). */
  start(): void {
    if (this.sweeper) return;
    const sweep = () => void this.sweep().catch((error) => console.error("responses: sweeping expired responses failed:", error));
    this.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweeper.unref?.();
    sweep();
  }

  /** Stops the sweep and writes what is queued. */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.flush();
  }

  /** Deletes expired rows, a batch at a time; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = this.db.select({ id: responses.id }).from(responses).where(lte(responses.expiresAt, sql`now()`)).limit(SWEEP_BATCH);
      const deleted = await this.db.delete(responses).where(inArray(responses.id, expired)).returning({ id: responses.id });
      total += deleted.length;
      if (deleted.length < SWEEP_BATCH) return total;
    }
  }

  /** Resolves once everything saved so far is written (or given up on). */
  async flush(): Promise<void> {
    this.kick();
    while (this.writing) await this.writing;
  }

  private pendingFor(id: string, workspaceId: string): StoredResponse | undefined {
    const pending = this.pending.get(id);
    return pending?.workspaceId === workspaceId ? pending : undefined;
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0 || this.writing) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
      this.kick();
    });
  }

  /**
   * Writes the queue in batches, each retried a few times; a batch that
   * still fails is dropped with an error in the log (its responses are then
   * missing: a later reference to them is a 404), so a database outage
   * cannot make the queue grow without bound.
   */
  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.db.insert(responses).values(batch).onConflictDoNothing();
          break;
        } catch (error) {
          if (attempt === WRITE_ATTEMPTS) {
            console.error(`responses: ${batch.length} stored responses could not be written and are lost:`, error);
            break;
          }
          await Bun.sleep(100 * 4 ** attempt);
        }
      }
      for (const response of batch) this.pending.delete(response.id);
    }
  }
}

/** A row the caller may read: its own workspace's and not expired. */
const visibleTo = (workspaceId: string) => [eq(responses.workspaceId, workspaceId), gt(responses.expiresAt, sql`now()`)];

const chainRow = (response: StoredResponse): ChainRow => ({
  id: response.id,
  previous_response_id: response.previousResponseId,
  input: response.input,
  output: response.output,
});
