"""The network loss landscape page's one settings object: the playground's network plus the view.

The page shows the loss landscape (Li et al. 2018, `playground.network_landscape`) of the
playground's own network, trained from the playground's own settings: every playground key
(data=…, hidden=…, lr=…, seed=…; `settings.playground`, without its view keys) names the
network, and five keys of this table name the landscape::

    dirs=random|pca  span=1 (0 < span ≤ 10)  res=41 (odd, 11 … 61)  biases=0|1
    dirseed=0 (the random directions' seed)

and one names only the drawing: ``plot=contour|surface`` (never in the data URL or the cache
key). The playground already spells its data seed `dseed`, so the direction seed is `dirseed`.
Defaults and ranges are the engine's (playground.loss_landscape), never retyped. `to_query()`
writes the network's canonical query, then what differs here, in this order; `from_query()`
turns any text into valid settings plus sentences and never raises. `cache_key()` is
"nl:v1:" + the network's cache key + "|" + what the landscape depends on (with PCA directions
neither `biases` nor `dirseed` applies, so they are not part of it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from playground.config import SEED_RANGE
from playground.cost import REQUEST_BUDGET_S, run_seconds
from playground.landscape_program import INTERPOLATION_POINTS, SLICE_POINTS, width_for
from playground.loss_landscape import DIRECTION_KINDS, RESOLUTION_RANGE, SPAN_RANGE
from settings import playground as network_settings
from settings.fields import Field, format_float, parse_float
from settings.network_view import network_keys, split_network_query
from settings.page_table import TableResult, guarded_controls, guarded_layout_kwargs
from settings.playground import PlaygroundSettings
from settings.query import PASSTHROUGH_KEYS, UNREADABLE

DEFAULT_DIRECTIONS = "random"
DEFAULT_SPAN = 1.0
DEFAULT_RESOLUTION = 41
DIRECTION_TITLES = {"random": "Random (filter-normalized)", "pca": "PCA of the training path"}

# The state table. Key = URL key = control key = message key.
FIELDS: tuple[Field, ...] = (
    Field(
        "dirs",
        "Directions",
        DEFAULT_DIRECTIONS,
        "choice",
        choices=DIRECTION_KINDS,
        attr="directions",
    ),
    Field("span", "Span", DEFAULT_SPAN, "float", SPAN_RANGE),
    Field("res", "Resolution", DEFAULT_RESOLUTION, "int", RESOLUTION_RANGE, attr="resolution"),
    Field("biases", "Include biases", False, "bool", attr="include_biases"),
    Field("dirseed", "Direction seed", 0, "int", SEED_RANGE, attr="direction_seed"),
)
FIELD_OF = {f.key: f for f in FIELDS}
LANDSCAPE_KEYS = tuple(f.key for f in FIELDS)
# What does not apply with PCA directions (the PCA covers every parameter, and has no seed).
RANDOM_ONLY_KEYS = ("biases", "dirseed")
# The drawing only: contour or 3-D surface (the same numbers; not in the data URL).
PLOT_FIELD = Field(
    "plot", "Plot", "contour", "choice", choices=("contour", "surface"), in_cache_key=False
)
VIEW_KEYS_HERE = (PLOT_FIELD.key,)

# Landscape evaluation on top of the training run: every grid, slice and interpolation point
# is one forward pass of the padded network over all the data. Milliseconds per point and
# 200-row block, per padded width (measured on the 2-core machine, warm: 8 × 4 on 400 points
# at 41 × 41 ≈ 0.04 s; 6 × 16 on 2000 points at 61 × 61 ≈ 1.55 s), rounded up.
LANDSCAPE_POINT_MS = {8: 0.015, 16: 0.05}


def parse_field(f: Field, raw: Any, current: Any) -> tuple[Any, str | None]:
    """(value, message) of one landscape field; the span's lower end is excluded, the
    resolution must be odd (θ* is the centre grid point)."""
    if f.key == "span":
        low, high = f.bounds
        return parse_float(raw, f.label, current, low, high, allow_minimum=False)
    value, message = f.parse(raw, current)
    if message is None and f.key == "res" and value % 2 == 0:
        low, high = f.bounds
        return current, (
            f"{f.label}: {value} is even; use an odd number of grid points from {low} to "
            f"{high}, so θ* is the centre point."
        )
    return value, message


@dataclass(frozen=True)
class NetworkLandscapeSettings:
    """The network (the playground's settings, view keys unused) and how its landscape is cut."""

    network: PlaygroundSettings = field(default_factory=PlaygroundSettings)
    directions: str = DEFAULT_DIRECTIONS
    span: float = DEFAULT_SPAN
    resolution: int = DEFAULT_RESOLUTION
    include_biases: bool = False
    direction_seed: int = 0
    plot: str = PLOT_FIELD.default

    @property
    def random(self) -> bool:
        return self.directions == "random"

    def engine_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `playground.network_landscape` (besides the config)."""
        return {f.name: getattr(self, f.name) for f in FIELDS}

    def landscape_flat(self) -> dict[str, str]:
        """The five landscape settings as URL text (defaults included)."""
        return {f.key: f.format(getattr(self, f.name)) for f in FIELDS}

    def landscape_query(self) -> str:
        """The landscape's keys that differ from the defaults, in table order."""
        default = NetworkLandscapeSettings().landscape_flat()
        return urlencode([(k, v) for k, v in self.landscape_flat().items() if default[k] != v])

    def network_query(self, passthrough: Mapping[str, str] | None = None) -> str:
        """The playground's canonical query of this network (what the playground link carries)."""
        return self.network.to_query(passthrough, view=False)

    def to_query(self, passthrough: Mapping[str, str] | None = None, *, view: bool = True) -> str:
        """The page's canonical query: the network's, then the landscape's, then (`view`) the
        plot, then classroom keys. `view=False` is the data URL's query."""
        parts = [self.network.to_query(view=False), self.landscape_query()]
        if view and self.plot != PLOT_FIELD.default:
            parts.append(urlencode([(PLOT_FIELD.key, self.plot)]))
        parts.append(urlencode([(k, v) for k, v in (passthrough or {}).items()
                                if k in PASSTHROUGH_KEYS]))  # fmt: skip
        return "&".join(part for part in parts if part)

    def cache_key(self) -> str:
        """Canonical text of everything the landscape depends on."""
        flat = self.landscape_flat()
        keys = LANDSCAPE_KEYS if self.random else tuple(
            k for k in LANDSCAPE_KEYS if k not in RANDOM_ONLY_KEYS
        )  # fmt: skip
        own = "&".join(f"{k}={flat[k]}" for k in keys)
        return f"nl:v1:{self.network.cache_key()}|{own}"

    def summary(self) -> str:
        """One line naming the landscape (for the page's text)."""
        what = DIRECTION_TITLES[self.directions]
        return f"{what}, span {format_float(self.span)}, {self.resolution}×{self.resolution}"


def request_seconds(settings: NetworkLandscapeSettings) -> float:
    """Estimated seconds of one core: training the network once plus its landscape."""
    config = settings.network.config
    points = settings.resolution**2 + SLICE_POINTS + INTERPOLATION_POINTS + 1
    blocks = -(-int(config.n_samples) // 200)
    rate = LANDSCAPE_POINT_MS[width_for(tuple(config.hidden))]
    return run_seconds(config) + points * blocks * rate / 1000


def over_budget(settings: NetworkLandscapeSettings) -> str:
    """'' when the landscape fits the request budget, else what to change."""
    problem = network_settings.over_budget(settings.network.config, runs=1)
    if problem:
        return problem
    seconds = request_seconds(settings)
    if seconds <= REQUEST_BUDGET_S:
        return ""
    return (
        f"this landscape would take about {seconds:.1f} s of the server's time (the limit is "
        f"{REQUEST_BUDGET_S:g} s); use a lower resolution, fewer points or fewer epochs."
    )


def known_keys() -> set[str]:
    """Every URL key the page's links understand: the playground's network keys, the five and
    the plot."""
    return network_keys() | set(LANDSCAPE_KEYS) | set(VIEW_KEYS_HERE)


ParseResult = TableResult


def parse_landscape(
    raw: Mapping[str, Any], previous: NetworkLandscapeSettings | None = None
) -> ParseResult:
    """The five landscape values from `raw` (missing keys keep `previous`'s); never raises."""
    previous = previous or NetworkLandscapeSettings()
    invalid: dict[str, str] = {}
    values: dict[str, Any] = {}
    for f in FIELDS:
        if f.key not in raw:
            continue
        value, message = parse_field(f, raw[f.key], getattr(previous, f.name))
        if message:
            invalid[f.key] = message
        values[f.name] = value
    settings = replace(previous, **values)
    problem = over_budget(settings)
    if problem and values.get("resolution", previous.resolution) != previous.resolution:
        invalid["res"] = problem[0].upper() + problem[1:]
        settings = replace(settings, resolution=previous.resolution)
    return ParseResult(settings, list(dict.fromkeys(invalid.values())), invalid)


def from_controls(
    raw: Mapping[str, Any], previous: NetworkLandscapeSettings | None = None
) -> ParseResult:
    """The page's controls (the five landscape keys) over `previous`; never raises."""
    return guarded_controls(parse_landscape, raw, previous, NetworkLandscapeSettings())


def from_query(query: Any) -> tuple[NetworkLandscapeSettings, list[str], dict[str, str]]:
    """Settings from a URL query; (settings, messages, passthrough). Never raises."""
    try:
        split = split_network_query(query, (*LANDSCAPE_KEYS, *VIEW_KEYS_HERE))
        own = {k: v for k, v in split.own.items() if k in FIELD_OF}
        result = parse_landscape(own, NetworkLandscapeSettings(network=split.network))
        settings, view_messages = result.settings, []
        if PLOT_FIELD.key in split.own:
            plot, message = PLOT_FIELD.parse(split.own[PLOT_FIELD.key], PLOT_FIELD.default)
            settings = replace(settings, plot=plot)
            view_messages = [message] if message else []
        return settings, split.messages + result.messages + view_messages, split.passthrough
    except Exception:  # last line of defence: a link can never break the page
        return NetworkLandscapeSettings(), [UNREADABLE], {}


def from_layout_kwargs(
    query: Mapping[str, Any],
) -> tuple[NetworkLandscapeSettings, list[str], dict[str, str]]:
    """Settings from the query parameters Dash passes to `layout(**query)`."""
    return guarded_layout_kwargs(query, from_query, NetworkLandscapeSettings())
