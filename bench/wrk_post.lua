-- POST prepared bodies (one JSON per line) to BENCH_PATH (default /api/v1/people): thread k
-- of n sends bodies k, k+n, k+2n, ... so that no body (no Aadhaar number, no person's
-- booking) is sent twice while the file lasts.
local bodies = {}
local token = os.getenv("BENCH_TOKEN")
local path = os.getenv("BENCH_PATH") or "/api/v1/people"
for line in io.lines(os.getenv("BENCH_BODIES")) do bodies[#bodies + 1] = line end
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
local counter = 0
local offset = 0

setup = function(thread)
  thread:set("offset", offset)
  offset = offset + 1
end

request = function()
  counter = counter + 1
  local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local body = bodies[(((counter - 1) * threads + offset) % #bodies) + 1]
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end

done = report
