-- wrk script for scripts/loadtest.sh: GET the case list with a logged-in session (cookie from
-- the environment), count answers other than 200, and print p50/p95/p99 at the end.
local session = os.getenv("BRYGGA_SESSION")
local path = os.getenv("BRYGGA_PATH") or "/arenden/organisation/"
wrk.method = "GET"
wrk.path = path
wrk.headers["Cookie"] = "sessionid=" .. session

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f non200=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    bad, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
