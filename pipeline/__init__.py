"""The orchestration layer: crawl → process → index for a set of sites, each step under its own lock.

Above `index/`, below the web UI and CLI. `run.run_pipeline` is the one way the steps are chained (the scheduler,
the admin button, `ct05 demo` and `ct05 crawl|process|index` all call it); `process.process_archive` is
the NLP stage loop; `schedule*` keep the archive current on a cron; `locks` are the named flock locks.
"""
