-- wrk script for the benchmark: POSTs JSON bodies read from files and prints
-- the run's figures as one JSON line from done(), so wrk.ts parses numbers
-- instead of wrk's human-readable report.
--
-- Environment (read when the script loads, before wrk decides whether the
-- run is static):
--   BENCH_BODIES   comma-separated files; one file = a static request (wrk
--                  builds it once: the cheapest, least noisy mode); several =
--                  a request() that cycles through them (soak's mixed load)
--   BENCH_HEADERS  extra headers, one "Name: value" per line

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- A header given here replaces wrk's own of the same name whatever its case:
-- "content-type" next to wrk's "Content-Type" would otherwise be sent twice
-- (which the gateway reads as "application/json, application/json": a 415).
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.-)%s*$")
  if name then
    for existing in pairs(wrk.headers) do
      if existing:lower() == name:lower() then wrk.headers[existing] = nil end
    end
    wrk.headers[name] = value
  end
end

local bodies = {}
for path in (os.getenv("BENCH_BODIES") or ""):gmatch("[^,]+") do
  bodies[#bodies + 1] = read(path)
end
wrk.body = bodies[1]

if #bodies > 1 then
  local requests, n = {}, 0
  function init(args)
    for i, body in ipairs(bodies) do
      requests[i] = wrk.format(nil, nil, nil, body)
    end
  end
  function request()
    n = n % #requests + 1
    return requests[n]
  end
end

-- Which non-2xx statuses came back, and the first such body: only when
-- asked (BENCH_COUNT_STATUS=1, the soak), because a response() callback
-- makes wrk run Lua for every reply.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

if os.getenv("BENCH_COUNT_STATUS") == "1" then
  bad = {}
  bad_body = ""
  function response(status, headers, body)
    if status >= 300 then
      local key = tostring(status)
      bad[key] = (bad[key] or 0) + 1
      if bad_body == "" then bad_body = body or "" end
    end
  end
end

local function json_string(s)
  return '"' .. s:sub(1, 300):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local function statuses()
  local counts, body = {}, ""
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("bad") or {}) do counts[status] = (counts[status] or 0) + n end
    local b = thread:get("bad_body")
    if body == "" and b then body = b end
  end
  local parts = {}
  for status, n in pairs(counts) do parts[#parts + 1] = string.format('"%s":%d', status, n) end
  return "{" .. table.concat(parts, ",") .. "}", json_string(body)
end

function done(summary, latency, requests)
  local counts, body = statuses()
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},' ..
    '"statuses":%s,"first_bad_body":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    counts, body))
end
