// The gateway-wide views the console draws (usage over time, traffic, top workspaces, suppliers,
// recent requests) and its sign-in. Plain TypeBox, closed queries, like admin-schemas.ts.
import { Type as t } from "@sinclair/typebox";
import { Cursor, Nullable, Page, RequestRecord, Time, UsageSums } from "./admin-schemas.ts";

const Milliseconds = Nullable(t.Integer({ description: "ms; null without any request" }));
const Digits = t.String({ pattern: "^[0-9]+$" });

const range = {
  since: t.Optional(Time),
  until: t.Optional(Time),
  bucket: t.Optional(t.Union([t.Literal("hour"), t.Literal("day")], { description: "hour (default) or day (UTC)" })),
};
export const RangeQuery = t.Object(range, { additionalProperties: false });
export const TopQuery = t.Object({ since: range.since, until: range.until, limit: t.Optional(Digits) }, { additionalProperties: false });

const Range = { bucket: t.Union([t.Literal("hour"), t.Literal("day")]), since: Time, until: Time };

export const UsageBucket = t.Object({ start: Time, model: t.String(), ...UsageSums }, { title: "UsageBucket" });
export const UsageSeries = t.Object({ object: t.Literal("list"), ...Range, data: t.Array(UsageBucket) }, { title: "UsageSeries" });

export const WorkspaceSpend = t.Object({ workspace_id: t.String(), name: t.String(), ...UsageSums }, { title: "WorkspaceSpend" });
export const WorkspaceSpendList = t.Object({ object: t.Literal("list"), since: Time, until: Time, data: t.Array(WorkspaceSpend) }, { title: "WorkspaceSpendList" });

const Traffic = {
  requests: t.Integer({ description: "Every finished /v1 request, refused ones included" }),
  client_errors: t.Integer({ description: "Answered 4xx: bad requests, keys, credit, limits" }),
  server_errors: t.Integer({ description: "Answered 5xx, or failed after a stream began" }),
  billed_requests: t.Integer({ description: "Requests with a usage record: the latency figures' population" }),
  p50_duration_ms: Milliseconds,
  p95_duration_ms: Milliseconds,
  p50_ttfb_ms: Milliseconds,
  p95_ttfb_ms: Milliseconds,
};
export const TrafficBucket = t.Object({ start: Time, ...Traffic }, { title: "TrafficBucket" });
export const TrafficReport = t.Object(
  {
    object: t.Literal("traffic"),
    ...Range,
    total: t.Object(Traffic),
    errors: t.Array(t.Object({ status: t.Integer(), code: t.String({ description: "'' when the reply had none" }), requests: t.Integer() })),
    data: t.Array(TrafficBucket),
  },
  { title: "TrafficReport" },
);

const HealthState = t.Union([t.Literal("closed"), t.Literal("open"), t.Literal("half_open"), t.Literal("cooling")]);
export const SupplierReport = t.Object(
  {
    name: t.String(),
    provider: Nullable(t.String({ description: "null: only another gateway knows it (its environment's default)" })),
    source: t.Union([t.Literal("environment"), t.Literal("database"), t.Literal("reported")]),
    enabled: Nullable(t.Boolean()),
    priority: Nullable(t.Integer()),
    weight: Nullable(t.Integer()),
    models: Nullable(t.Array(t.String())),
    states: t.Array(HealthState, { description: "Each live gateway's breaker state (closed = healthy)" }),
    recent: t.Object(
      { attempts: t.Integer(), failures: t.Integer(), ttfb_ms: Milliseconds },
      { description: "Every gateway's last five minutes" },
    ),
    data: t.Array(t.Object({ start: Time, attempts: t.Integer(), failures: t.Integer(), ttfb_ms: Milliseconds })),
  },
  { title: "SupplierReport" },
);
export const SupplierReportList = t.Object({ object: t.Literal("list"), ...Range, data: t.Array(SupplierReport) }, { title: "SupplierReportList" });

export const RequestQuery = t.Object(
  {
    workspace: t.Optional(t.String({ description: "Name or id" })),
    key: t.Optional(t.String({ description: "Key id" })),
    model: t.Optional(t.String()),
    supplier: t.Optional(t.String()),
    status: t.Optional(t.Union([t.Literal("completed"), t.Literal("incomplete")])),
    limit: t.Optional(Digits),
    before: t.Optional(Cursor),
  },
  { additionalProperties: false },
);
export const RequestPage = Page(RequestRecord, "RequestPage");

export const ConsoleSession = t.Object(
  {
    object: t.Literal("console_session"),
    admin_key: t.Object({ id: t.String(), name: t.String() }),
    csrf_token: t.String({ description: "Send it as X-CSRF-Token on every state-changing call made with the session cookie" }),
    expires_at: Time,
  },
  { title: "ConsoleSession" },
);
