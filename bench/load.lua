-- wrk script: replays the requests in $REQUESTS, one per line,
-- "workload<TAB>access token<TAB>variables JSON", each a POST of $WORKLOADS/<workload>.graphql.
-- Thread i of n sends lines i, i+n, i+2n, … so no two threads send the same line (a `mixed`
-- schedule moves each application once). A response is an error unless it is a 200 without
-- GraphQL errors.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local function json_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub("\"", "\\\""):gsub("\n", "\\n")
  return "\"" .. escaped .. "\""
end

function init(args)
  local queries = {}
  requests = {}
  for entry in io.lines(os.getenv("REQUESTS")) do
    local workload, token, variables = entry:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    if not queries[workload] then
      local file = assert(io.open(os.getenv("WORKLOADS") .. "/" .. workload .. ".graphql"))
      queries[workload] = "{\"query\":" .. json_string(file:read("*a")) .. ",\"variables\":"
      file:close()
    end
    table.insert(requests, { prefix = queries[workload], token = "Bearer " .. token, variables = variables })
  end
  stride = tonumber(os.getenv("THREADS"))
  position = thread_index + 1
  failures = 0
end

function request()
  local r = requests[(position - 1) % #requests + 1]
  position = position + stride
  return wrk.format("POST", "/graphql",
    { ["Content-Type"] = "application/json", ["Authorization"] = r.token },
    r.prefix .. r.variables .. "}")
end

function response(status, headers, body)
  if status ~= 200 or body:find("\"errors\"", 1, true) then
    failures = failures + 1
    if failures == 1 then
      io.stderr:write("first error: " .. status .. " " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, _requests)
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format("RESULT\t%d\t%d\t%.1f\t%.2f\t%.2f\t%.2f\n",
    summary.requests, failed, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
