"""One update of every row of the trajectory engine: the rules' own updates, selected per row.

Row ``i`` of every array is one configured optimizer (``[rows, 2]`` points); its rule is a
runtime number, column ``"rule"`` of ``hyper`` (an index into ``RULE_IDS``), so changing which
rule a row runs never recompiles. The state of every row is ``STATE_WIDTH`` arrays of ``[rows,
2]``; each rule reads and writes the first ones its state has (``optimizers.rules.apply``).

Nothing here is written per rule: the step is generated from the registry. Every rule's update
is computed on every row and the row's own is selected (``jnp.where``): on CPU a step costs
what its kernels and their scalar element-wise work cost (16 numbers a rule), and a
``lax.switch`` per row would be ``rows`` conditionals per step. A wrapper (Lookahead) builds on
its inner rule's results, which are those of the row's *effective* rule (its choice), so each
rule is computed and selected once (``rules._apply_rows``). ``base_update`` is that selection's
``u`` alone: the step's roots and divisions, which the program computes as a kernel of its own
and passes back to ``update``.
"""

from __future__ import annotations

from collections.abc import Sequence

import jax

from optimizers import rules

RULE_IDS: tuple[str, ...] = tuple(rules.RULES)
"""The rule of row i is ``RULE_IDS[hyper[i, RULE_COLUMN]]``."""
HYPER_COLUMNS: tuple[str, ...] = ("rule", *rules.HYPER_NAMES)
RULE_COLUMN = 0
STATE_WIDTH = rules.STATE_WIDTH


def update(
    g: jax.Array,
    leaves: Sequence[jax.Array],
    eta: jax.Array,
    t: jax.Array,
    hyper: jax.Array,
    theta: jax.Array,
    base_u: jax.Array | None = None,
) -> tuple[jax.Array, tuple[jax.Array, ...]]:
    """``(u, new leaves)`` of every row: ``g``, ``theta`` and each leaf ``[rows, 2]``, ``eta``
    ``[rows, 1]``, ``t`` the update count (scalar), ``hyper`` ``[rows, len(HYPER_COLUMNS)]``;
    ``base_u`` = ``base_update(...)`` of the same arguments if already computed."""
    columns = _columns(hyper)
    new_leaves, u = rules.apply(
        columns["rule"], RULE_IDS, leaves, g, eta, t, columns, theta, base_u
    )
    return u, new_leaves


def _columns(hyper: jax.Array) -> dict[str, jax.Array]:
    return {name: hyper[:, i : i + 1] for i, name in enumerate(HYPER_COLUMNS)}


def base_update(
    g: jax.Array,
    leaves: Sequence[jax.Array],
    eta: jax.Array,
    t: jax.Array,
    hyper: jax.Array,
    theta: jax.Array,
) -> jax.Array:
    """Every row's ``u`` of its effective rule (``rules.base_update``): all the rules' roots and
    divisions, one element-wise computation."""
    columns = _columns(hyper)
    return rules.base_update(columns["rule"], RULE_IDS, tuple(leaves), g, eta, t, columns, theta)
