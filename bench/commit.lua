-- wrk script: POST /api/v1/purchases (or the quote, with PATH=/api/v1/purchases/quote) with a
-- realistic 5-line basket for a random member from CARDS_FILE and a new receipt id every time.
local cards = {}
local key = os.getenv("PATRON_KEY")
local path = os.getenv("PATH_OVERRIDE") or "/api/v1/purchases"
local run = os.getenv("RUN_ID") or tostring(os.time())
local categories = { "home", "food", "toys", "garden", "tobacco", "food", "home" }
local threads = 0
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

init = function(args)
  for line in io.lines(os.getenv("CARDS_FILE")) do
    if #line > 0 then cards[#cards + 1] = line end
  end
  math.randomseed(7919 * tid)
end

request = function()
  counter = counter + 1
  local lines = {}
  for i = 1, 5 do
    lines[i] = string.format('{"lineId":"%d","sku":"SKU%d","name":"Item %d","category":"%s","quantity":%d,"unitPrice":%d.%02d}',
      i, math.random(1000, 9999), i, categories[math.random(#categories)], math.random(1, 3), math.random(1, 900), math.random(0, 99))
  end
  local body = string.format('{"receiptId":"B%s-%d-%d","member":{"cardNumber":"%s"},"lines":[%s],"couponCodes":[],"pointsToRedeem":0}',
    run, tid, counter, cards[math.random(#cards)], table.concat(lines, ","))
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
