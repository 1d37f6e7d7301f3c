"""`GET /api/network/lr_range.bin?<settings>&v=…`: the playground network's learning-rate range test.

The query is the page's canonical settings query (`LRRangeSettings.to_query()`: the
playground's network keys, then lrstart / lrend / lrsteps). The test is run once per shared
cache (keyed by `LRRangeSettings.cache_key()`) and sent as an LVZ1 container
(components/lr_range_payload.py); one estimated above the lane threshold is trained by the
worker's training lane, as a playground run. Settings `settings.lr_range.from_query` cannot
use as they are get a 400 with its sentence.
"""

from __future__ import annotations

from flask import Response

from components.lr_range_payload import lr_range_container
from playground import ConfigError, lr_range_test, with_one_cycle, with_rate
from playground.cost import run_seconds
from playground.lr_range_test import DIVERGENCE_FACTOR
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
from settings.lr_range import LRRangeSettings, from_query, known_keys, over_budget
from settings.query import PASSTHROUGH_KEYS

PATH = "network/lr_range.bin"
ENDPOINT = "lr-range"


def lr_range_url(settings: LRRangeSettings) -> str:
    """The browser's URL of `settings`' range test (relative, versioned)."""
    return data_url(PATH, settings.to_query())


def settings_from_query(query: str) -> tuple[LRRangeSettings | None, str]:
    """The settings of a data URL's query, or None and the sentence saying why not."""
    return settings_of_data_query(
        query,
        known=known_keys() - set(PASSTHROUGH_KEYS),
        what="range test",
        parse=from_query,
        refusal="This range test cannot be run as it is:",
    )


def lr_range_bytes(settings: LRRangeSettings) -> bytes:
    """The LVZ1 container of `settings`' range test (run here)."""
    config = settings.network.config
    test = lr_range_test(config, **settings.engine_arguments())
    links = {
        "steepest": None,
        "minimumTenth": None,
        "oneCycle": None,
    }
    if test.steepest is not None:
        links["steepest"] = settings.playground_query(with_rate(config, test.steepest))
        links["oneCycle"] = settings.playground_query(with_one_cycle(config, test.steepest))
    if test.minimum_tenth is not None:
        links["minimumTenth"] = settings.playground_query(with_rate(config, test.minimum_tenth))
    return lr_range_container(test, settings.cache_key(), links, DIVERGENCE_FACTOR)


def _answer(settings: LRRangeSettings) -> Response | tuple[Response, int]:
    problem = over_budget(settings)
    if problem:
        return bad_request(f"This range test cannot be run here: {problem}")
    key = settings.cache_key()
    remember_query(ENDPOINT, key)
    try:
        seconds = run_seconds(settings.ramp_network())
        lane_answer = lane_response(key, "lr_range", settings.to_query(), seconds)
        if lane_answer is not None:
            return lane_answer
        return binary_response(key, lambda: lr_range_bytes(settings))
    except ConfigError as error:  # validated already; the engine's own check as a guard
        return bad_request(f"This range test cannot be run: {' '.join(error.messages)}")


@api.get("/network/lr_range.bin")
def network_lr_range():  # type: ignore[no-untyped-def]
    return settings_get(ENDPOINT, settings_from_query, _answer)
