-- wrk script: POST inbound messages from a spread of addresses (about half new, half returning).
local token = os.getenv("FAIRDESK_TOKEN")
local counter = 0
math.randomseed(os.time())

request = function()
  counter = counter + 1
  local who = math.random(1, 100000)
  local body = string.format(
    '{"channel":"email","from":{"kind":"email","value":"bench%d@example.com"},"name":"Bench %d","body":"Where is my parcel? (%d)"}',
    who, who, counter)
  return wrk.format("POST", "/api/v1/inbound/messages",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
