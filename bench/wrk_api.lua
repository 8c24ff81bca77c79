-- wrk script for bench/api_bench.py: wrk_session.lua's report, sending the API token
-- (BENCH_TOKEN) instead of a session cookie.
dofile(os.getenv("BENCH_ROOT") .. "/bench/wrk_session.lua")
wrk.headers["Cookie"] = nil
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")
