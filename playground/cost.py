"""What a training request really costs: an estimate of its compute time, and the budget.

A class server must be able to say no before it starts: one student's 2000-point, batch-size-1,
six-layer run takes seconds of a core, and the comparison tab trains four of them. The estimate
is a small model of the compiled programs (playground/engine.py), fitted on the 2-core
reference machine (benchmarks/playground_cost.py re-measures it: measured / estimated 0.69–1.14,
median 1.03, over its 11 runs estimated at ≥ 0.2 s; the 6 × 16 batch-1 run: 3.8 s vs 4.2 s)::

    run_ms = overhead + epochs · eval + updates · step
    eval   = (e₀ + e₁ · ⌈points / 200⌉) · depth factor          the per-epoch full evaluation
    step   = (s₀ + s₁ · ⌈batch / 16⌉)  · depth factor          one minibatch update (none for
                                                                 full batch without dropout:
                                                                 it reuses the evaluation's ∂L)
    depth factor = (depth + ½) / (capacity depth + ½)

with (e₀, e₁, s₀, s₁) per width capacity (8 or 16, the program the network runs in). A request
trains ``runs`` networks (1 on the train tab, 4 on the comparison tab), so it costs ``runs ×
run_ms``. ``REQUEST_BUDGET_S`` bounds that: the largest single run the page has always accepted
(six layers of 16, 2000 points, batch 1, 200 000 updates: ≈ 8.3 s) fits, and the comparison of
the same network fits at a quarter of its epochs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from playground.config import EPOCHS_RANGE, MAX_UPDATES, PlaygroundConfig
from playground.engine import BLOCK_ROWS, MINIBATCH_ROWS
from playground.initializers import DEMO_INIT_IDS
from playground.training import config_bucket

COMPARE_RUNS = len(DEMO_INIT_IDS)  # the comparison tab trains one network per demo scheme
REQUEST_BUDGET_S = 10.0  # estimated seconds of one core per request (all its runs together)
RUN_OVERHEAD_MS = 10.0  # data set, packing, gzip of one run's container


class _Rates(NamedTuple):
    """Milliseconds on the reference machine for one program (at its capacity depth)."""

    eval_base: float  # e₀: per epoch
    eval_block: float  # e₁: per epoch and 200-row block
    step_base: float  # s₀: per update
    step_pass: float  # s₁: per update and 16-row pass


# Per program width (playground.engine's buckets), fitted to benchmarks/playground_cost.py's
# measurements (2 cores, quiet).
_RATES = {
    8: _Rates(0.005, 0.022, 0.002, 0.0115),
    16: _Rates(0.03, 0.113, 0.008, 0.033),
}


def run_seconds(config: PlaygroundConfig) -> float:
    """Estimated seconds of one core to train ``config`` once (a valid config)."""
    bucket = config_bucket(config)  # the compiled program it runs in
    rates = _RATES[bucket.width]
    depth = (len(config.hidden) + 0.5) / (bucket.depth + 0.5)
    blocks = -(-int(config.n_samples) // BLOCK_ROWS)
    epochs = int(config.epochs)
    eval_ms = (rates.eval_base + rates.eval_block * blocks) * depth
    if bucket.full_batch_only:  # its update reuses the evaluation's gradient
        step_ms = 0.0
    else:
        passes = -(-config.effective_batch_size // MINIBATCH_ROWS)
        step_ms = (rates.step_base + rates.step_pass * passes) * depth
    updates = epochs * config.steps_per_epoch
    return (RUN_OVERHEAD_MS + epochs * eval_ms + updates * step_ms) / 1000


def request_seconds(config: PlaygroundConfig, runs: int = 1) -> float:
    """Estimated seconds of one core for a request training ``runs`` networks like ``config``."""
    return runs * run_seconds(config)


def over_budget(config: PlaygroundConfig, runs: int = 1) -> str:
    """'' when the request fits ``REQUEST_BUDGET_S``; else the sentence saying what to change."""
    seconds = request_seconds(config, runs)
    if seconds <= REQUEST_BUDGET_S:
        return ""
    what = "this run" if runs == 1 else f"these {runs} runs"
    limit = largest_epochs(config, runs)
    fix = (
        f"use at most {limit} epochs, a larger batch size or a smaller network"
        if limit >= 1
        else "use a larger batch size or a smaller network"
    )
    return (
        f"compute budget: {what} would take about {seconds:.0f} s of the server's time, more "
        f"than the {REQUEST_BUDGET_S:.0f} s one request may use; {fix}."
    )


def largest_epochs(config: PlaygroundConfig, runs: int = 1) -> int:
    """The most epochs (≤ the update limit) a request of ``runs`` such runs may train."""
    low, high = 0, min(EPOCHS_RANGE[1], MAX_UPDATES // config.steps_per_epoch)
    while low < high:  # the cost grows with the epochs: bisect
        middle = (low + high + 1) // 2
        if request_seconds(replace(config, epochs=middle), runs) <= REQUEST_BUDGET_S:
            low = middle
        else:
            high = middle - 1
    return low
