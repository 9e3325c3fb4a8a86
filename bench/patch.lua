-- bench/patch.lua: wrk script for comparison 4 of bench/run.sh.
-- PATCH /treestatus/trees closing and reopening one tree, alternately, remembered (a change
-- on the stack) and logged, as a sheriff does; Bearer token. Counts the statuses: every
-- answer should be 200 (wrk itself only reports >= 400 as errors).
-- Environment: BENCH_TOKEN (the Bearer secret), BENCH_TREE (the tree to flip).
local token = os.getenv("BENCH_TOKEN") or ""
local tree = os.getenv("BENCH_TREE") or "bench-patch"
local bodies = {
    '{"trees": ["' .. tree .. '"], "status": "closed", "reason": "bench closure", '
        .. '"tags": ["planned"], "remember": true}',
    '{"trees": ["' .. tree .. '"], "status": "open", "reason": "bench reopen", '
        .. '"tags": [], "remember": true}',
}

wrk.method = "PATCH"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"

local threads = {}
function setup(thread)
    table.insert(threads, thread)
end

local n = 0
ok, other, first_other = 0, 0, ""

function request()
    n = n + 1
    return wrk.format(nil, nil, nil, bodies[n % 2 + 1])
end

function response(status, headers, body)
    if status == 200 then
        ok = ok + 1
    else
        other = other + 1
        if first_other == "" then
            first_other = status .. " " .. string.sub(body or "", 1, 300)
        end
    end
end

function done(summary, latency, requests)
    local o, b, first = 0, 0, ""
    for _, t in ipairs(threads) do
        o = o + t:get("ok")
        b = b + t:get("other")
        if first == "" then
            first = t:get("first_other")
        end
    end
    io.write(string.format("patch statuses: 200=%d other=%d\n", o, b))
    if first ~= "" then
        io.write("first other answer: " .. first .. "\n")
    end
end
