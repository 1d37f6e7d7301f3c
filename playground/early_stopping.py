"""Early stopping on the held-out loss, read from a finished run (no new compiled program).

Keras ``EarlyStopping(monitor="val_loss", patience=p, min_delta=0, restore_best_weights=True)``
applied after the fact to the monitored series v_1, v_2, … (the init, epoch 0, is never
monitored, as Keras only checks at the end of an epoch)::

    improved_i = v_i < min(v_1 … v_{i−1})          (NaN never improves; min of nothing = +∞)
    wait_i     = i − (last improved index ≤ i)      (i itself when nothing improved yet)
    stop       = the first i > first check with wait_i ≥ p;  best = the last improvement ≤ stop

Training would end after the stop epoch and the weights would be restored from the best one.
Without a stop the run's last weights stay (Keras restores only when it stops). Pure numpy:
the training programs stay as they are (patience is no compiled variant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EarlyStop:
    """Where early stopping with ``patience`` would stop (``None``: it never does) and the
    epoch whose weights it keeps; ``*_index`` index the monitored series (a run's frames)."""

    patience: int
    stopped_epoch: int | None
    stopped_index: int | None
    best_epoch: int | None
    best_index: int | None
    best_loss: float | None


def early_stopping(
    test_loss: np.ndarray, patience: int, epochs: np.ndarray | None = None
) -> EarlyStop:
    """``EarlyStop`` of the held-out losses ``test_loss[i]`` after ``epochs[i]`` epochs
    (default ``i``; entries at epoch 0 are skipped). ``ValueError`` unless patience ≥ 1."""
    if isinstance(patience, bool) or int(patience) != patience or patience < 1:
        raise ValueError("patience: a whole number of epochs ≥ 1 (0 means no early stopping).")
    values = np.asarray(test_loss, dtype=np.float64).reshape(-1)
    at = np.arange(values.size) if epochs is None else np.asarray(epochs).reshape(-1)
    if at.shape != values.shape:
        raise ValueError("epochs: one epoch per loss.")
    keep = at >= 1
    values, at = values[keep], at[keep]
    index = np.flatnonzero(keep)
    if values.size == 0:
        return EarlyStop(int(patience), None, None, None, None, None)
    clean = np.where(np.isnan(values), np.inf, values)
    before = np.concatenate([[np.inf], np.minimum.accumulate(clean)[:-1]])
    steps = np.arange(values.size)
    last = np.maximum.accumulate(np.where(clean < before, steps, -1))
    wait = steps - last
    stops = np.flatnonzero((wait >= patience) & (steps >= 1))
    end = int(stops[0]) if stops.size else values.size - 1
    best = int(last[end])
    best_fields = (None, None, None)
    if best >= 0:
        best_fields = (int(at[best]), int(index[best]), float(values[best]))
    if not stops.size:
        return EarlyStop(int(patience), None, None, *best_fields)
    return EarlyStop(int(patience), int(at[end]), int(index[end]), *best_fields)
