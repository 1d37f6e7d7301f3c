"""One line naming the playground network a page looks inside (plain text, no JAX arrays)."""

from __future__ import annotations

from playground import ACTIVATIONS, DATASETS, INIT_SCHEMES, OPTIMIZERS
from settings.fields import format_float
from settings.playground import PlaygroundSettings


def network_summary(network: PlaygroundSettings) -> str:
    """'Circle data (400 points), hidden layers 8-4, ReLU, Appropriate init, Gradient descent
    η = 0.1, full batch, 500 epochs, seed 0': what the playground would train."""
    config = network.config
    hidden = "-".join(str(units) for units in config.hidden)
    batch = "full batch" if network.batch_text == "full" else f"batch {network.batch_text}"
    return (
        f"{DATASETS[config.dataset].title} data ({config.n_samples} points), hidden layers "
        f"{hidden}, {ACTIVATIONS[config.activation].title}, "
        f"{INIT_SCHEMES[config.init].title} init, {OPTIMIZERS[config.optimizer].title} "
        f"η = {format_float(config.lr)}, {batch}, {config.epochs} epochs, seed {config.seed}"
    )
