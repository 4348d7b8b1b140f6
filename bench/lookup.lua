-- wrk script: GET /api/v1/members?cardNumber=… for random cards from the file named by CARDS_FILE.
local cards = {}
local key = os.getenv("PATRON_KEY")
local threads = 0

setup = function(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

init = function(args)
  for line in io.lines(os.getenv("CARDS_FILE")) do
    if #line > 0 then cards[#cards + 1] = line end
  end
  math.randomseed(1000 + seed)
end

request = function()
  return wrk.format("GET", "/api/v1/members?cardNumber=" .. cards[math.random(#cards)],
    { ["Authorization"] = "Bearer " .. key })
end
