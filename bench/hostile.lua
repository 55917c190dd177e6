-- wrk script: the attacker of the hostile mix (bench/run). Sends, in turn, a 1 KB fragment bomb
-- (2^25 fields once expanded), a mutation with 100 aliased sign-ins, 20 aliased sign-ins (within
-- the alias limit, over the one-credential-check rule) and a plain sign-in with a wrong password
-- for a random seeded user ($USERS users of seed $SEED): every one must be refused. An "error"
-- here is an answer that was NOT refused: a 2xx without GraphQL `errors`, or a 5xx.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function json_string(text)
  return "\"" .. text:gsub("\\", "\\\\"):gsub("\"", "\\\"") .. "\""
end

local SIGN_IN = "signIn(input: $input) { accessToken }"

local function aliased(count)
  local fields = {}
  for i = 1, count do
    fields[i] = "a" .. i .. ": " .. SIGN_IN
  end
  return "mutation($input: CredentialsInput!) { " .. table.concat(fields, " ") .. " }"
end

local function credentials(email)
  return "{\"input\":{\"email\":" .. json_string(email) .. ",\"password\":\"not-the-password\"}}"
end

function init(args)
  local bomb = { "{ viewer { ...F0 } }" }
  for level = 0, 24 do
    table.insert(bomb, string.format(" fragment F%d on User { ...F%d ...F%d }", level, level + 1, level + 1))
  end
  table.insert(bomb, " fragment F25 on User { email }")
  bomb_body = "{\"query\":" .. json_string(table.concat(bomb)) .. "}"
  hundred = json_string(aliased(100))
  twenty = json_string(aliased(20))
  plain = json_string("mutation($input: CredentialsInput!) { " .. SIGN_IN .. " }")
  users = tonumber(os.getenv("USERS") or "1000")
  seed = os.getenv("SEED") or "1"
  turn = 0
  failures = 0
  math.randomseed(os.time() + #threads)
end

function request()
  turn = turn + 1
  local kind = turn % 4
  local body
  if kind == 0 then
    body = bomb_body
  else
    local email = "seed" .. seed .. "-user" .. math.random(0, users - 1) .. "@example.com"
    local query = ({ hundred, twenty, plain })[kind]
    body = "{\"query\":" .. query .. ",\"variables\":" .. credentials(email) .. "}"
  end
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status >= 500 or (status < 300 and not body:find("\"errors\"", 1, true)) then
    failures = failures + 1
    if failures == 1 then
      io.stderr:write("not refused: " .. status .. " " .. body:sub(1, 300) .. "\n")
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
