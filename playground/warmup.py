"""``warm_up``: compile the programs the page uses by default (call once per worker, after fork)."""

from __future__ import annotations

from playground.config import PlaygroundConfig
from playground.maps import activation_maps
from playground.training import train, train_inits


def warm_up(config: PlaygroundConfig | None = None) -> None:
    """Compile and run ``train``, ``train_inits`` and ``activation_maps`` for ``config``.

    Default: ``PlaygroundConfig()``. With the persistent compilation cache configured
    (``jax_config.configure_jax``) a restarted worker loads these programs from disk.
    """
    config = config or PlaygroundConfig()
    run = train(config)
    train_inits(config)
    activation_maps(run, run.n_snapshots - 1)
