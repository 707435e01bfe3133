-- wrk script: every request searches for a query of the mix (SEARCHMIX_QUERIES, default
-- tools/searchmix/queries.txt), drawn at random, so that throughput is measured over the
-- whole mix rather than one query whose pages stay warm.
local queries = {}
local file = os.getenv("SEARCHMIX_QUERIES") or "tools/searchmix/queries.txt"
for line in io.lines(file) do
  line = line:match("^%s*(.-)%s*$")
  if line ~= "" and line:sub(1, 1) ~= "#" then
    local escaped = line:gsub("([^%w%-%._~])", function(c) return string.format("%%%02X", string.byte(c)) end)
    table.insert(queries, "/search?q=" .. escaped)
  end
end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
request = function()
  return wrk.format("GET", queries[math.random(#queries)])
end
