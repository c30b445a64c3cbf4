-- GET /api/v1/people/{id} for ids drawn at random from a file, with a bearer token.
local ids = {}
local token = os.getenv("BENCH_TOKEN")
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/v1/people/" .. id, {["Authorization"] = "Bearer " .. token})
end

done = report
