-- wrk script: GET each line of the file $WRK_REQUESTS in turn ("path" or "path<TAB>token",
-- the token sent as a bearer token); each thread starts at its own place in the list. The
-- last line printed is JSON with the figures bench/support.py reads (latencies in ms).

local requests = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    local path, token = line:match("^([^\t]+)\t(.+)$")
    local headers = {}
    if path then
      headers["Authorization"] = "Bearer " .. token
    else
      path = line
    end
    requests[#requests + 1] = wrk.format("GET", path, headers)
  end
  position = (number * 7919) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "errors": %d, "p50_ms": %.1f, "p95_ms": %.1f, "max_ms": %.1f,'
      .. ' "per_second": %.1f}\n',
    summary.requests,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    latency.max / 1000,
    summary.requests / (summary.duration / 1e6)
  ))
end
