"""The rule registry: every ``optimizers/rules/<id>.py`` module's ``RULE``, in display order.

Adding an optimizer is one file here (its ``RULE``, see ``optimizers.rule``), one function in
``reference/optimizers_numpy.py`` and tests: the lab, the playground, the optax adapter, the
settings, the controls and the colours read the rule from here.

What the engines use (all generated from the rules, nothing written per rule)::

    RULES            id -> OptimizerSpec, display order (``OptimizerSpec.order``)
    WRAPPABLE_IDS    rules a wrapper may wrap (every rule that wraps none), display order
    STATE_WIDTH      leaves of the widest state: every engine keeps this many θ-shaped arrays
    HYPER_NAMES      every hyperparameter name but the learning rate (the engines' inputs)
    row_values(id, values)   every name a rule's update may read, with defaults (a wrapper's
                             inner rule's defaults included)
    zero_leaves(zero)        the padded initial state
    apply(index, ids, leaves, g, eta, t, hyper, theta) -> (leaves, u)
                             the update of rule ``ids[index]`` on the padded state: a scalar
                             index runs ``lax.switch`` (one rule executes: the playground), an
                             array of per-row indices computes every rule and selects per row
                             (the lab, where the rows are tiny and kernels cost, not flops;
                             a wrapper builds on its inner rule's selected results)
    base_update(index, ids, leaves, g, eta, t, hyper, theta) -> u
                             per row, the update of its effective rule (a wrapper's: its inner
                             rule's): what the lab computes as a kernel of its own and passes
                             back to ``apply(..., base_u=u)``
"""

from __future__ import annotations

import contextvars
import dataclasses
import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import jax
import jax.numpy as jnp

from optimizers.rule import WRAPPABLE, OptimizerSpec


def _discover() -> list[OptimizerSpec]:
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, OptimizerSpec):
            continue
        if rule.id != module_info.name:
            raise AssertionError(f"{module.__name__} defines rule {rule.id!r}: name them alike")
        found.append((rule, module))
    found.sort(key=lambda pair: pair[0].order)
    wrappable = tuple(rule.id for rule, _ in found if rule.wraps is None)
    resolved = []
    for rule, module in found:
        parameters = []
        for parameter in rule.hyperparameters:
            if parameter.choices == WRAPPABLE:
                default_id = getattr(module, "DEFAULT_INNER", wrappable[0])
                parameter = dataclasses.replace(
                    parameter,
                    choices=wrappable,
                    default=float(wrappable.index(default_id)),
                    minimum=0.0,
                    maximum=float(len(wrappable) - 1),
                )
            parameters.append(parameter)
        resolved.append(dataclasses.replace(rule, hyperparameters=tuple(parameters)))
    return resolved


RULES: Mapping[str, OptimizerSpec] = MappingProxyType({rule.id: rule for rule in _discover()})
WRAPPABLE_IDS: tuple[str, ...] = tuple(i for i, rule in RULES.items() if rule.wraps is None)
HYPER_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(p.name for rule in RULES.values() for p in rule.rule_hyperparameters)
)


def get_rule(rule_id: str) -> OptimizerSpec:
    """The rule ``rule_id``; ``KeyError`` naming the valid ids otherwise."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"unknown optimizer {rule_id!r}; valid: {', '.join(RULES)}") from None


def state_width(rule: OptimizerSpec) -> int:
    """Number of θ-shaped arrays in ``rule``'s state."""
    return len(jax.tree.leaves(rule.zero_state(0.0)))


def inner_state_width() -> int:
    """The widest state among the rules a wrapper may wrap."""
    return max(state_width(RULES[i]) for i in WRAPPABLE_IDS)


STATE_WIDTH: int = max(state_width(rule) for rule in RULES.values())


def row_values(rule_id: str, values: Mapping[str, float] | None = None) -> dict[str, float]:
    """Every hyperparameter ``rule_id``'s update may read: its own (``values`` over defaults)
    and, for a wrapper, its inner rule's defaults under theirs (the inner rule's own names)."""
    rule = get_rule(rule_id)
    own = rule.defaults | dict(values or {})
    if rule.wraps is None:
        return own
    choice = rule.hyperparameter(rule.wraps)
    inner_id = choice.choice_id(choice.choice_index(own[rule.wraps]))
    return row_values(inner_id) | own


def zero_leaves(zero: Any) -> tuple[Any, ...]:
    """The padded initial state: ``STATE_WIDTH`` times ``zero``."""
    return (zero,) * STATE_WIDTH


def _run_rule(rule: OptimizerSpec, leaves, g, eta, t, hyper, theta):
    """``rule``'s update on the first leaves of a padded state; the rest pass through (the very
    same arrays). Names missing from ``hyper`` take the rule's defaults (the optax adapter
    passes one rule's)."""
    hyper = {**rule.defaults, **hyper}
    width = state_width(rule)
    treedef = jax.tree.structure(rule.zero_state(0.0))
    state = jax.tree.unflatten(treedef, list(leaves[:width]))
    new_state, u = rule.update(state, g, eta, t, hyper, theta)
    dtype = jnp.result_type(g)

    def cast(leaf: Any) -> Any:
        # the very same array when its dtype already fits (``_select_rows`` relies on it)
        return leaf if jnp.result_type(leaf) == dtype else jnp.asarray(leaf).astype(dtype)

    own = tuple(cast(leaf) for leaf in jax.tree.leaves(new_state))
    return own + tuple(cast(leaf) for leaf in leaves[width:]), cast(u)


def _select(chosen: Sequence[Any], values: Sequence[Any]) -> Any:
    """``values[k]`` where ``chosen[k]`` (the last where none is)."""
    out = values[-1]
    for condition, value in zip(chosen[-2::-1], values[-2::-1], strict=True):
        out = jnp.where(condition, value, out)
    return out


def _select_rows(row_position: Any, options: Sequence[tuple[float, Any]], default: Any) -> Any:
    """Per element: the value of the option whose position is ``row_position``, else
    ``default``. Options that are ``default`` itself (a leaf passed through) cost nothing."""
    out = default
    for position, value in options:
        if value is not default:
            out = jnp.where(row_position == position, value, out)
    return out


@dataclasses.dataclass(frozen=True)
class _InnerResult:
    """What the enclosing ``apply`` already computed for a wrapper's inner rule: every row's
    effective rule's new leaves and update, valid for a nested ``apply`` over ``WRAPPABLE_IDS``
    with exactly these inputs (compared by identity)."""

    index: Any
    leaves: tuple[Any, ...]
    inputs: tuple[Any, ...]  # g, eta, t, theta
    hyper: Mapping[str, Any]
    new_leaves: tuple[Any, ...]
    u: Any

    def matches(self, index, ids, leaves, g, eta, t, hyper, theta) -> bool:
        return (
            index is self.index
            and tuple(ids) == WRAPPABLE_IDS
            and len(leaves) <= len(self.leaves)
            and all(a is b for a, b in zip(leaves, self.leaves, strict=False))
            and all(a is b for a, b in zip((g, eta, t, theta), self.inputs, strict=True))
            and all(hyper.get(n) is self.hyper.get(n) for n in HYPER_NAMES)
        )


_INNER_RESULTS: contextvars.ContextVar[tuple[_InnerResult, ...]] = contextvars.ContextVar(
    "_INNER_RESULTS", default=()
)
"""While an array-index ``apply`` traces its wrapper rules: their inner rules' results (a
trace-time table, empty outside; never holds data between calls)."""


def _effective_position(index, ids: Sequence[str], hyper: Mapping[str, Any]) -> Any:
    """Per row: the position in ``ids`` of the rule it runs, or for a wrapper (when ``ids`` holds
    every rule it may wrap) of its inner rule, the wrapper's choice on that row."""
    positions = {rule_id: float(p) for p, rule_id in enumerate(ids)}
    if not all(i in positions for i in WRAPPABLE_IDS):
        return index
    effective = index
    for rule_id in ids:
        wrapper = RULES[rule_id]
        if wrapper.wraps is None:
            continue
        choice = hyper[wrapper.wraps]
        inner = _select(
            [choice == j for j in range(len(WRAPPABLE_IDS))],
            [positions[i] for i in WRAPPABLE_IDS],
        )
        effective = jnp.where(index == positions[rule_id], inner, effective)
    return effective


def _plain_rows(index, ids, leaves, g, eta, t, hyper, theta, base_u=None):
    """``(new leaves, u)`` of every row's effective rule (``_effective_position``): each rule that
    wraps none computed once, selected per row (``base_u``: the ``u`` if already computed)."""
    effective = _effective_position(index, ids, hyper)
    plain = [(float(p), RULES[i]) for p, i in enumerate(ids) if RULES[i].wraps is None]
    results = [(p, _run_rule(rule, leaves, g, eta, t, hyper, theta)) for p, rule in plain]
    new_leaves = tuple(
        _select_rows(effective, [(p, r[0][j]) for p, r in results], leaves[j])
        for j in range(len(leaves))
    )
    if base_u is None:
        base_u = _select([effective == p for p, _ in results], [r[1] for _, r in results])
    return new_leaves, base_u


def base_update(index, ids, leaves, g, eta, t, hyper, theta) -> Any:
    """Every row's ``u`` of its effective rule (its own, or a wrapper's inner rule's): all the
    roots and divisions of a step, which the lab computes in one element-wise kernel of its own
    (``program.py``) and passes back to ``apply`` as ``base_u``."""
    return _plain_rows(jnp.asarray(index), ids, tuple(leaves), g, eta, t, hyper, theta)[1]


def _apply_rows(index, ids, leaves, g, eta, t, hyper, theta, base_u=None):
    """``apply`` with one rule index per row: every rule computed, selected per row.

    A row running a wrapper (Lookahead) builds on its inner rule's results, which are those of
    the row's *effective* rule (``_effective_position``): every plain rule is computed and
    selected once, and the wrapper's nested ``apply`` receives that selection instead of
    computing and selecting the inner rules a second time (which doubled a step's work). On
    CPU, where rows are tiny, a step costs what its element-wise operations cost.
    """
    for known in _INNER_RESULTS.get():
        if known.matches(index, ids, leaves, g, eta, t, hyper, theta):
            return known.new_leaves[: len(leaves)], known.u
    base_leaves, base_u = _plain_rows(index, ids, leaves, g, eta, t, hyper, theta, base_u)
    wrappers = [(float(p), RULES[i]) for p, i in enumerate(ids) if RULES[i].wraps is not None]
    if not wrappers:
        return base_leaves, base_u
    inputs = (g, eta, t, theta)
    known = tuple(
        _InnerResult(hyper[w.wraps], leaves, inputs, hyper, base_leaves, base_u)
        for _, w in wrappers
    )
    token = _INNER_RESULTS.set(_INNER_RESULTS.get() + known)
    try:
        wrapped = [(p, _run_rule(w, leaves, g, eta, t, hyper, theta)) for p, w in wrappers]
    finally:
        _INNER_RESULTS.reset(token)
    new_leaves = tuple(
        _select_rows(index, [(p, r[0][j]) for p, r in wrapped], base_leaves[j])
        for j in range(len(leaves))
    )
    return new_leaves, _select_rows(index, [(p, r[1]) for p, r in wrapped], base_u)


def apply(
    index: Any,
    ids: Sequence[str],
    leaves: Sequence[Any],
    g: Any,
    eta: Any,
    t: Any,
    hyper: Mapping[str, Any],
    theta: Any,
    base_u: Any = None,
) -> tuple[tuple[Any, ...], Any]:
    """``(new leaves, u)`` of rule ``ids[index]`` on the padded state ``leaves``.

    ``index`` a scalar (traced) number: ``lax.switch`` (one branch executes); an array (one
    index per row, broadcasting against ``g``): every rule computed, selected per element
    (``_apply_rows``; ``base_u`` = ``base_update`` of the same arguments if already computed).
    Leaves a rule does not use pass through unchanged.
    """
    leaves = tuple(leaves)
    if jnp.ndim(index) == 0:
        candidates = [RULES[i] for i in ids]
        branches = [(lambda operands, rule=rule: _run_rule(rule, *operands)) for rule in candidates]
        position = jnp.clip(jnp.asarray(index).astype(jnp.int32), 0, len(candidates) - 1)
        return jax.lax.switch(position, branches, (leaves, g, eta, t, hyper, theta))
    return _apply_rows(index, ids, leaves, g, eta, t, hyper, theta, base_u)
