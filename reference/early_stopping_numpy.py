"""Keras's EarlyStopping callback as a plain loop (test oracle for playground.early_stopping):
``on_epoch_end`` once per monitored epoch, min mode, min_delta 0, no baseline."""

from __future__ import annotations

import math


def keras_early_stopping(losses, epochs, patience):
    """(stopped_epoch or None, best_epoch or None) as Keras's callback would record them."""
    best, best_epoch, wait, seen = math.inf, None, 0, 0
    for loss, epoch in zip(losses, epochs, strict=True):
        if epoch < 1:
            continue
        loss = float(loss)
        if loss < best:  # NaN < x is False: no improvement
            best, best_epoch, wait = loss, int(epoch), 0
        else:
            wait += 1
        if wait >= patience and seen > 0:
            return int(epoch), best_epoch
        seen += 1
    return None, best_epoch
