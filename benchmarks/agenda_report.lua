-- wrk report: requests per second, median and 95th percentile latency, and every failure
-- (responses other than 2xx and 304, which wrk itself counts only from 400 up, and socket
-- errors). 304 is the answer to a conditional GET that matches.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if (status < 200 or status > 299) and status ~= 304 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non2xx")
  end
  local errors = summary.errors
  local socket = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format("requests: %d in %.1f s\n", summary.requests, summary.duration / 1e6))
  io.write(string.format("req/s: %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("latency p50: %.1f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("latency p95: %.1f ms\n", latency:percentile(95) / 1000))
  io.write(string.format("failed (not 2xx or 304): %d\n", failed))
  io.write(string.format("socket errors: %d (connect %d, read %d, write %d, timeout %d)\n",
    socket, errors.connect, errors.read, errors.write, errors.timeout))
end
