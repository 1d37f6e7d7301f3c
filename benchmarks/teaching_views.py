"""The skier and the SGD-vs-batch page, measured after warm-up.

    python benchmarks/teaching_views.py [--repeats 30]

* ``skier_ms_p50`` / ``_p95``: ``optimizers.skier.ski`` on the hill with the page's default two
  skiers, 100 steps; ``skier_1000_ms_p50``: three skiers (GD, momentum, Adam), 1000 steps.
* ``sgd_ms_p50`` / ``_p95``: ``optimizers.regression.run_methods`` with the page's defaults
  (100 points, 10 epochs: 1000 SGD updates, 100 minibatch, 10 full batch);
  ``sgd_largest_ms``: 200 points, 50 epochs (10 000 SGD updates), one repeat.
* ``payload_bytes``: the LVZ1 containers (before gzip) of both pages' default views.
* ``compiles_after_warmup``: XLA compilations during all of the above; must be 0.

Last stdout line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from jax import monitoring  # noqa: E402

from benchmarks.playground_engine import _timed  # noqa: E402  (wall and CPU ms per call)
from optimizers import regression, skier  # noqa: E402
from optimizers.config import OptimizerConfig  # noqa: E402

BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"


def _p(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def measure(repeats: int = 30) -> dict[str, Any]:
    skier.warm_up()
    regression.warm_up()
    events: list[str] = []
    monitoring.register_event_duration_secs_listener(
        lambda event, duration, **kwargs: (
            events.append(event) if event == BACKEND_COMPILE_EVENT else None
        )
    )
    from serving.api.regression import regression_bytes
    from serving.api.skier import skier_bytes
    from settings.regression import RegressionSettings
    from settings.skier import SkierSettings

    default = SkierSettings()
    three = [OptimizerConfig("gd", lr=0.05), OptimizerConfig("momentum", lr=0.05),
             OptimizerConfig("adam", lr=0.1)]  # fmt: skip
    ride, _ = _timed(lambda: skier.ski("hill", 2.4, default.configs(), 100), repeats)
    long_ride, _ = _timed(lambda: skier.ski("hill", 2.4, three, 1000), repeats)
    page = RegressionSettings()
    data = regression.make_data(page.n, page.noise, page.truew, page.trueb, page.dseed)
    sizes, rates = [1, page.batch, page.n], [page.lrsgd, page.lrmb, page.lrfull]
    sgd, _ = _timed(
        lambda: regression.run_methods(data, sizes, rates, page.epochs, (-2.0, 2.0), 0), repeats
    )
    big = regression.make_data(200, 0.5, 2.0, -1.0, 0)
    largest, _ = _timed(
        lambda: regression.run_methods(big, [1, 10, 200], rates, 50, (-2.0, 2.0), 0), 1
    )
    return {
        "skier_ms_p50": _p(ride, 50),
        "skier_ms_p95": _p(ride, 95),
        "skier_1000_ms_p50": _p(long_ride, 50),
        "sgd_ms_p50": _p(sgd, 50),
        "sgd_ms_p95": _p(sgd, 95),
        "sgd_largest_ms": round(largest[0], 1),
        "payload_bytes": {
            "skier": len(skier_bytes(default)),
            "sgd": len(regression_bytes(page)),
        },
        "compiles_after_warmup": len(events),
        "repeats": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(measure(args.repeats)))


if __name__ == "__main__":
    main()
