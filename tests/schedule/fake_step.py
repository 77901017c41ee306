"""A stand-in for `ct05 crawl|process|index` used by the scheduler tests.

    python fake_step.py STEP DATA_DIR [SITE] [--resume]

Behaviour comes from DATA_DIR/fake.json: {"new": {site: n}, "fail": [site], "sleep": seconds, "gate": true}.
With "gate", a crawl waits (after noting its start) until the file DATA_DIR/gate exists; "gate_sites": [site]
gates only the crawls of those sites.
Every start and end is appended to DATA_DIR/fake.log as "start|end STEP SITE PID TIME".
A crawl stores `new[site]` fresh articles in the archive, one by one, sleeping in between.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from crawler.archive import Archive
from crawler.article import Article


def main() -> int:
    step, data_dir = sys.argv[1], Path(sys.argv[2])
    site = sys.argv[3] if len(sys.argv) > 3 and not sys.argv[3].startswith("--") else "-"
    control = json.loads((data_dir / "fake.json").read_text()) if (data_dir / "fake.json").exists() else {}
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))

    def note(event: str) -> None:
        with open(data_dir / "fake.log", "a") as fh:
            fh.write(f"{event} {step} {site} {os.getpid()} {time.time():.3f} {' '.join(sys.argv[4:])}\n")

    note("start")
    if step == "crawl":
        gated = control.get("gate") or site in control.get("gate_sites", [])
        while gated and not (data_dir / "gate").exists() and not stopping:
            time.sleep(0.05)
        if site in control.get("fail", []):
            print(f"cannot reach {site}", file=sys.stderr)
            note("end")
            return 2
        count = int(control.get("new", {}).get(site, 0))
        sleep = float(control.get("sleep", 0.0))
        with Archive.open(data_dir) as archive:
            for i in range(count):
                if stopping:
                    break
                url = f"http://{site}.test/{time.time_ns()}-{i}"
                archive.upsert(Article(url=url, source=site, title=f"{site} {i}", body="x"))
                time.sleep(sleep / max(count, 1))
            end = time.monotonic() + (0 if count else sleep)
            while time.monotonic() < end and not stopping:
                time.sleep(0.05)
    else:
        time.sleep(float(control.get("sleep_" + step, 0.0)))
    note("end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
