"""`GET /api/playground/run.bin?<settings>&v=…` and `/api/playground/compare.bin?…`.

The playground page's callback validates the controls and answers with the URL of its run;
the browser GETs it here. The query is the page's canonical settings query
(`PlaygroundSettings.to_query(view=False)`; `v` is the code version, see serving/api). The run
is trained once per shared cache (keyed by `PlaygroundSettings.cache_key()`, so equivalent
spellings of one setting share it) and sent as an LVZ1 container
(components/playground_payload.py). Settings that `settings.playground.from_query` cannot use
as they are (unknown keys, out-of-range or malformed values) get a 400 with its sentence.
"""

from __future__ import annotations

from flask import Response

from components.playground_payload import RunArrays, compare_container, run_container
from playground import (
    ACTIVATIONS,
    DEMO_INIT_IDS,
    INIT_SCHEMES,
    ConfigError,
    PlaygroundRun,
    train,
    train_inits,
)
from playground.activations import ELU_ALPHA, LEAKY_RELU_SLOPE
from playground.cost import COMPARE_RUNS, over_budget, request_seconds
from serving.api import (
    api,
    bad_request,
    binary_response,
    data_url,
    remember_query,
    settings_get,
    settings_of_data_query,
)
from serving.training_lane import lane_response
from settings.playground import PlaygroundSettings, from_query, known_keys
from settings.query import PASSTHROUGH_KEYS

RUN_PATH = "playground/run.bin"
COMPARE_PATH = "playground/compare.bin"


def run_url(settings: PlaygroundSettings) -> str:
    """The browser's URL of `settings`' run (relative, versioned)."""
    return data_url(RUN_PATH, settings.to_query(view=False))


def compare_url(settings: PlaygroundSettings) -> str:
    """The URL of the four-scheme comparison of `settings` (one URL whatever the scheme)."""
    return data_url(COMPARE_PATH, settings.for_comparison().to_query(view=False))


def run_arrays(run: PlaygroundRun) -> RunArrays:
    """The engine's run as the components' plain arrays."""
    config = run.config
    data = run.dataset
    return RunArrays(
        layer_sizes=tuple(int(n) for n in config.layer_sizes),
        activation_id=config.activation,
        activation_title=ACTIVATIONS[config.activation].title,
        keep_prob=float(config.keep_prob),
        planned_epochs=int(config.epochs),
        grid_size=int(config.grid_size),
        epochs=run.epochs,
        train_loss=run.train_loss,
        test_loss=run.test_loss,
        train_accuracy=run.train_accuracy,
        test_accuracy=run.test_accuracy,
        learning_rate=run.learning_rate,
        weight_norms=run.weight_norms,
        grad_norms=run.grad_norms,
        frame_epochs=run.snapshot_epochs,
        weights=run.weights,
        biases=run.biases,
        x_train=data.x_train,
        y_train=data.y_train,
        x_test=data.x_test,
        y_test=data.y_test,
        box=data.box,
        diverged_at=run.diverged_at,
        activation_params=(("leakySlope", LEAKY_RELU_SLOPE), ("eluAlpha", ELU_ALPHA)),
    )


def settings_from_query(query: str) -> tuple[PlaygroundSettings | None, str]:
    """The settings of a data URL's query, or None and the sentence saying why not."""
    return settings_of_data_query(
        query,
        known=known_keys() - set(PASSTHROUGH_KEYS),
        what="playground run",
        parse=from_query,
        refusal="These settings cannot be trained as they are:",
    )


def run_bytes(settings: PlaygroundSettings) -> bytes:
    """The LVZ1 container of `settings`' run (trained here), with its early stop if any."""
    run = train(settings.config)
    stop = run.early_stop(settings.patience) if settings.patience > 0 else None
    return run_container(run_arrays(run), settings.cache_key(), stop)


def compare_bytes(settings: PlaygroundSettings) -> bytes:
    """The LVZ1 container of the four demo schemes trained side by side on `settings`."""
    runs = train_inits(settings.config, DEMO_INIT_IDS)
    schemes = [(scheme, INIT_SCHEMES[scheme].title) for scheme in DEMO_INIT_IDS]
    return compare_container(
        schemes, [run_arrays(runs[s]) for s, _ in schemes], settings.compare_cache_key()
    )


def _answer(kind: str, settings: PlaygroundSettings) -> Response | tuple[Response, int]:
    """The container, trained here (cheap), by the training lane (heavy), or why not."""
    runs = COMPARE_RUNS if kind == "compare" else 1
    problem = over_budget(settings.config, runs)
    if problem:
        return bad_request(f"These settings cannot be trained here: {problem}")
    if kind == "compare":
        key, query, build = settings.compare_cache_key(), compare_query(settings), compare_bytes
    else:
        key, query, build = settings.cache_key(), settings.to_query(view=False), run_bytes
    remember_query(f"playground-{kind}", key)
    seconds = request_seconds(settings.config, runs)
    try:
        lane_answer = lane_response(key, kind, query, seconds)
        if lane_answer is not None:
            return lane_answer
        return binary_response(key, lambda: build(settings))
    except ConfigError as error:  # validated already; the engine's own check as a guard
        return bad_request(f"These settings cannot be trained: {' '.join(error.messages)}")


def compare_query(settings: PlaygroundSettings) -> str:
    return settings.for_comparison().to_query(view=False)


@api.get("/playground/run.bin")
def playground_run():  # type: ignore[no-untyped-def]
    return settings_get("playground-run", settings_from_query, lambda s: _answer("run", s))


@api.get("/playground/compare.bin")
def playground_compare():  # type: ignore[no-untyped-def]
    return settings_get("playground-compare", settings_from_query, lambda s: _answer("compare", s))
