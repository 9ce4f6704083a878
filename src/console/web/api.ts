// The console's one way to the gateway: the documented /admin/v1 routes, same origin, with the
// session cookie and, on every call that changes something, the session's CSRF token.
import type { Static } from "@sinclair/typebox";
import type * as Admin from "../../admin/admin-schemas.ts";
import type * as Stats from "../../admin/stats-schemas.ts";

export type Workspace = Static<typeof Admin.Workspace>;
export type WorkspacePage = Static<typeof Admin.WorkspacePage>;
export type ApiKey = Static<typeof Admin.ApiKey>;
export type CreatedKey = Static<typeof Admin.CreatedKey>;
export type LedgerPage = Static<typeof Admin.LedgerPage>;
export type Credit = Static<typeof Admin.Credit>;
export type RequestRecord = Static<typeof Admin.RequestRecord>;
export type UsageRow = Static<typeof Admin.UsageRow>;
export type RequestPage = Static<typeof Stats.RequestPage>;
export type UsageSeries = Static<typeof Stats.UsageSeries>;
export type WorkspaceSpendList = Static<typeof Stats.WorkspaceSpendList>;
export type TrafficReport = Static<typeof Stats.TrafficReport>;
export type SupplierReport = Static<typeof Stats.SupplierReport>;
export type SupplierReportList = Static<typeof Stats.SupplierReportList>;
export type Session = Static<typeof Stats.ConsoleSession>;
export type List<T> = { object: "list"; data: T[] };

/** A refusal in the OpenAI error envelope. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

// The CSRF token outlives a reload in localStorage (the cookie is HttpOnly, the page cannot see it);
// without one the page knows it is signed out and asks nothing before the sign-in form.
const STORED = "opentoken-console-session";
let session: Session | null = null;
let signedOut = () => {};

/** What to do when the gateway says the session is over (expired, signed out elsewhere, key revoked). */
export const onSignedOut = (handler: () => void) => {
  signedOut = handler;
};

export const currentSession = () => session;

function remember(next: Session | null) {
  session = next;
  if (next) localStorage.setItem(STORED, JSON.stringify(next));
  else localStorage.removeItem(STORED);
}

type Query = Record<string, string | number | undefined>;

const withQuery = (path: string, query: Query = {}) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
};

async function call<T>(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; signingIn?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && session) headers["x-csrf-token"] = session.csrf_token;
  const response = await fetch(`/admin/v1${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const json = await response.json().catch(() => null);
  if (response.ok) return json as T;
  const error = json?.error ?? {};
  if (response.status === 401 && !options.signingIn) {
    remember(null);
    signedOut();
  }
  throw new ApiFailure(response.status, error.code ?? null, error.message ?? `HTTP ${response.status}`, error.param);
}

export const get = <T>(path: string, query?: Query) => call<T>("GET", withQuery(path, query));
export const post = <T>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("POST", path, { body, headers });
export const patch = <T>(path: string, body: unknown) => call<T>("PATCH", path, { body });
export const del = <T>(path: string) => call<T>("DELETE", path);

export async function signIn(key: string): Promise<Session> {
  const next = await call<Session>("POST", "/session", { body: {}, headers: { authorization: `Bearer ${key}` }, signingIn: true });
  remember(next);
  return next;
}

/** The stored session, when the gateway still accepts it. */
export async function resume(): Promise<Session | null> {
  const stored = localStorage.getItem(STORED);
  const known = stored ? (JSON.parse(stored) as Session) : null;
  if (!known || Date.parse(known.expires_at) <= Date.now()) {
    remember(null);
    return null;
  }
  session = known;
  try {
    remember(await get<Session>("/session"));
    return session;
  } catch {
    remember(null);
    return null;
  }
}

export async function signOut() {
  try {
    await del("/session");
  } finally {
    remember(null);
  }
}

export const path = (...parts: string[]) => parts.map(encodeURIComponent).join("/");
