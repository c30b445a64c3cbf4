-- The empty endpoint: what the framework alone costs on this machine in the same run.
dofile(os.getenv("BENCH_DIR") .. "/wrk_report.lua")
done = report
