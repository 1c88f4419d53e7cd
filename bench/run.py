"""Entry point of `make bench`: run every benchmark module in turn.

Exits non-zero only when a benchmark broke (an exception), never because a goal was
missed: goals are reported in the output, see docs/benchmarks.md.
"""

import importlib
import sys
import traceback
from pathlib import Path

# `python bench/run.py` puts bench/ on sys.path, not the project root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BENCHMARKS = [
    "bench.page_weight",
    "bench.first_paint",
    "bench.simulation_weight",
    "bench.seed_demo",
    "bench.rtc_connect",
    "bench.signaling_relay",
    "bench.page_cache",
    "bench.analytics_dashboard",
    "bench.video",
    "bench.ws_capacity",
    "bench.nginx_page_cache",
    "bench.nginx_rtc_connect",
]


def main() -> int:
    broken = []
    for name in BENCHMARKS:
        print(f"# running {name}", flush=True)
        try:
            importlib.import_module(name).main()
        except Exception:
            traceback.print_exc()
            broken.append(name)
    if broken:
        print(f"# broken: {', '.join(broken)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
