-- bench/mix.lua: wrk script for the memory check of bench/run.sh.
-- GET /treestatus/trees and /treestatus/trees/{tree} alternately, over every tree named in
-- BENCH_TREES (comma-separated). Each thread stops after BENCH_LIMIT answers (0 = no limit)
-- and then appends a line to the file BENCH_MARK: wrk itself always waits for its full -d,
-- so bench/run.sh sends it SIGINT once every thread has written its line.
-- Counts non-200 answers ("mix statuses:" line at the end).
local paths = {}
for name in string.gmatch(os.getenv("BENCH_TREES") or "", "[^,]+") do
    table.insert(paths, "/treestatus/trees")
    table.insert(paths, "/treestatus/trees/" .. name)
end
if #paths == 0 then
    paths = {"/treestatus/trees"}
end
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0") or 0
local mark = os.getenv("BENCH_MARK")

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

local i, stopped = 0, false
answers, other = 0, 0

function request()
    i = i + 1
    return wrk.format("GET", paths[(i - 1) % #paths + 1])
end

function response(status, headers, body)
    answers = answers + 1
    if status ~= 200 then
        other = other + 1
    end
    if limit > 0 and answers >= limit and not stopped then
        stopped = true
        if mark then
            local f = io.open(mark, "a")
            if f then
                f:write("done\n")
                f:close()
            end
        end
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local a, b = 0, 0
    for _, t in ipairs(threads) do
        a = a + t:get("answers")
        b = b + t:get("other")
    end
    io.write(string.format("mix statuses: answers=%d non200=%d\n", a, b))
end
