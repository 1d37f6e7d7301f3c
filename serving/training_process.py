"""The training lane's child: `python -m serving.training_process` (started by training_lane.py).

A fresh interpreter (started with fork + exec, so nothing of the web worker's JAX state is
inherited) that lowers its own CPU priority before anything else (`os.nice`: every thread it
creates after that, XLA's included, inherits it), compiles the playground's training programs,
and then trains one job at a time for its parent. The web worker's requests keep the normal
priority: on a busy machine the kernel gives them the CPU first.

Protocol on stdin/stdout (stdout is taken for it; prints and logs go to stderr): frames of a
4-byte big-endian length + a pickle (parent and child are the same code, trusted both ways).

    parent → child  ("train", kind, query)       kind: "run" | "compare" | "landscape" (the
                                                  network loss landscape) | "lr_range" (its
                                                  learning-rate range test); query: the data URL's
                                                  canonical settings query (no `v`)
    child → parent  ("ready", {"compiles": …})     once, after warm-up
                    ("done", gzipped LVZ1 bytes, {"seconds": …, "compiles_after_warmup": n})
                    ("failed", sentence, {…})     the settings could not be trained
"""

from __future__ import annotations

import contextlib
import gzip
import os
import pickle
import struct
import sys
import time
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME = 64 << 20  # a run container is ≤ a few MB


def write_frame(stream: BinaryIO, message: Any) -> None:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> Any:
    """The next message; EOFError when the other side is gone."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError("training process pipe closed")
    (length,) = HEADER.unpack(head)
    if length > MAX_FRAME:
        raise EOFError(f"training process frame of {length} bytes")
    payload = stream.read(length)
    if len(payload) < length:
        raise EOFError("training process pipe closed mid-frame")
    return pickle.loads(payload)


# kind → (module of the data endpoint, its query reader, its container builder): the child
# answers a job exactly as that endpoint would (imported on first use, in the child only).
LANE_KINDS = {
    "run": ("serving.api.playground", "settings_from_query", "run_bytes"),
    "compare": ("serving.api.playground", "settings_from_query", "compare_bytes"),
    "landscape": ("serving.api.network", "settings_from_query", "landscape_bytes"),
    "lr_range": ("serving.api.lr_range", "settings_from_query", "lr_range_bytes"),
}


def train_container(kind: str, query: str) -> bytes:
    """The gzip-compressed LVZ1 container the data endpoint would send for `query`."""
    import importlib

    from serving.api import GZIP_LEVEL

    module_name, read_name, build_name = LANE_KINDS[kind]
    module = importlib.import_module(module_name)
    settings, problem = getattr(module, read_name)(query)
    if settings is None:
        raise ValueError(problem)
    return gzip.compress(getattr(module, build_name)(settings), GZIP_LEVEL, mtime=0)


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """Warm up, say ready, then answer jobs until the parent closes the pipe."""
    import jax_config

    jax_config.configure_jax()
    from playground.warmup import program_buckets, warm_up_bucket

    for bucket in program_buckets():
        warm_up_bucket(bucket)
    from playground.loss_landscape import warm_up_landscape

    warm_up_landscape()  # the network landscape page's heavy requests come here too
    counter = jax_config.compile_counter()
    counter.mark_warm()
    write_frame(replies, ("ready", {"compiles": counter.as_dict()}))
    while True:
        try:
            message = read_frame(requests)
        except EOFError:
            return
        _, kind, query = message
        started = time.perf_counter()
        try:
            body = train_container(kind, query)
        except Exception as error:  # a bad job must not end the lane
            sentence = str(error) or type(error).__name__
            write_frame(replies, ("failed", sentence[:500], {}))
            continue
        info = {
            "seconds": round(time.perf_counter() - started, 3),
            "compiles_after_warmup": counter.as_dict().get("after_warmup"),
        }
        write_frame(replies, ("done", body, info))


def main() -> None:
    nice = int(os.environ.get("LOSSVIZ_TRAINING_NICE", "10"))
    if nice > 0:
        os.nice(nice)
    # stdout belongs to the protocol: keep a private handle, send everything printed to stderr.
    replies = open(os.dup(sys.stdout.fileno()), "wb")  # noqa: SIM115 (lives as long as we do)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = open(os.dup(sys.stdin.fileno()), "rb")  # noqa: SIM115
    with contextlib.suppress(BrokenPipeError, EOFError):  # the parent went away: done
        serve(requests, replies)


if __name__ == "__main__":
    main()
