"""`GET /api/network/landscape.bin?<settings>&v=…`: the playground network's loss landscape.

The network loss landscape page (pages/network_landscape.py) validates its controls and
answers with this URL; the browser GETs it here. The query is the page's canonical settings
query (`NetworkLandscapeSettings.to_query(view=False)`: the playground's network keys, then
dirs, span, res, biases, dirseed, never the view's `plot`; `v` is the code version, see
serving/api). The network is trained and
its landscape evaluated (`playground.network_landscape`) once per shared cache, keyed by
`NetworkLandscapeSettings.cache_key()`, and sent as an LVZ1 container
(components/network_payload.py). As on the playground's run: the request is costed first
(training plus the landscape, settings/network_landscape.py; refused with a sentence over the
request budget), and one estimated above the training lane's threshold is computed there
(202 + Retry-After until it is stored). Unknown keys, malformed or out-of-range values get a
400 with a sentence, never a 500.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Response

from components.network_payload import LandscapeArrays, landscape_container
from playground import ConfigError, minibatch_slices, network_landscape, train
from playground.loss_landscape import NetworkLandscape
from playground.minibatch_slices import DEFAULT_BATCH, MinibatchSlices
from playground.run import PlaygroundRun
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
from settings.network_landscape import (
    VIEW_KEYS_HERE,
    NetworkLandscapeSettings,
    from_query,
    known_keys,
    over_budget,
    request_seconds,
)
from settings.query import PASSTHROUGH_KEYS

LANDSCAPE_PATH = "network/landscape.bin"
ENDPOINT = "network-landscape"
LANE_KIND = "landscape"


def landscape_url(settings: NetworkLandscapeSettings) -> str:
    """The browser's URL of `settings`' landscape (relative, versioned)."""
    return data_url(LANDSCAPE_PATH, settings.to_query(view=False))


def landscape_arrays(scape: NetworkLandscape, seed: int) -> LandscapeArrays:
    """The engine's landscape as the components' plain arrays."""
    config = scape.config
    return LandscapeArrays(
        directions=scape.directions,
        span=scape.span,
        include_biases=scape.include_biases,
        direction_seed=seed,
        layers=tuple(int(n) for n in config.layer_sizes),
        parameter_count=int(scape.direction_vectors.shape[1]),
        epochs=int(config.epochs),
        alphas=scape.alphas,
        betas=scape.betas,
        train_loss=scape.train_loss,
        test_loss=scape.test_loss,
        center_train_loss=scape.center_train_loss,
        center_test_loss=scape.center_test_loss,
        slice_coordinates=scape.slice_coordinates,
        slice_train_loss=scape.slice_train_loss,
        slice_test_loss=scape.slice_test_loss,
        interpolation_t=scape.interpolation_t,
        interpolation_train_loss=scape.interpolation_train_loss,
        interpolation_test_loss=scape.interpolation_test_loss,
        path=scape.path,
        path_epochs=scape.path_epochs,
        explained_variance=scape.explained_variance,
    )


def settings_from_query(query: str) -> tuple[NetworkLandscapeSettings | None, str]:
    """The settings of a data URL's query, or None and the sentence saying why not."""
    return settings_of_data_query(
        query,
        known=known_keys() - set(PASSTHROUGH_KEYS) - set(VIEW_KEYS_HERE),
        what="network landscape",
        parse=from_query,
        refusal="This landscape cannot be computed as it is:",
    )


MINIBATCHES = 4  # minibatch slices drawn with a random slice (minibatches move the landscape)


def page_minibatches(settings: NetworkLandscapeSettings, run: PlaygroundRun) -> MinibatchSlices:
    """The slice as the page's ``MINIBATCHES`` minibatches see it: the config's own minibatch
    size (20 for full batch), as many as four of them fit the data."""
    config = settings.network.config
    own = config.effective_batch_size
    size = own if own < config.n_train else DEFAULT_BATCH
    size = max(1, min(size, config.n_train // MINIBATCHES))
    return minibatch_slices(
        config, batch_size=size, n_batches=MINIBATCHES, span=settings.span, run=run,
        include_biases=settings.include_biases, direction_seed=settings.direction_seed,
    )  # fmt: skip


def landscape_bytes(settings: NetworkLandscapeSettings) -> bytes:
    """The LVZ1 container of `settings`' landscape (the network trained here); with random
    directions also the slice as ``MINIBATCHES`` minibatches of the training set see it."""
    config = settings.network.config
    run = train(config)
    scape = network_landscape(config, run=run, **settings.engine_arguments())
    arrays = landscape_arrays(scape, settings.direction_seed)
    if settings.random:
        batches = page_minibatches(settings, run)
        arrays = replace(
            arrays,
            minibatch_loss=batches.batch_loss,
            minibatch_slopes=batches.batch_slopes,
            minibatch_size=batches.batch_size,
        )
    return landscape_container(arrays, settings.cache_key())


def _answer(settings: NetworkLandscapeSettings) -> Response | tuple[Response, int]:
    """The container, computed here (cheap), by the training lane (heavy), or why not."""
    problem = over_budget(settings)
    if problem:
        return bad_request(f"This landscape cannot be computed here: {problem}")
    key = settings.cache_key()
    remember_query(ENDPOINT, key)
    try:
        query = settings.to_query(view=False)
        lane_answer = lane_response(key, LANE_KIND, query, request_seconds(settings))
        if lane_answer is not None:
            return lane_answer
        return binary_response(key, lambda: landscape_bytes(settings))
    except (ConfigError, ValueError) as error:  # validated already; the engine's own check
        return bad_request(f"This landscape cannot be computed: {error}")


@api.get("/network/landscape.bin")
def network_landscape_bin():  # type: ignore[no-untyped-def]
    return settings_get(ENDPOINT, settings_from_query, _answer)
