-- wrk script: POST /api/v1/members with a new person on every request.
local key = os.getenv("PATRON_KEY")
local run = os.getenv("RUN_ID") or tostring(os.time())
local threads = 0
local counter = 0

setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

request = function()
  counter = counter + 1
  local body = string.format(
    '{"email":"w%s.%d.%d@example.org","firstName":"Bench","lastName":"Member","language":"ru","consents":{"emailMarketing":true}}',
    run, tid, counter)
  return wrk.format("POST", "/api/v1/members",
    { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
