"""Process-wide JAX settings shared by every engine (landscapes, optimizers, playground).

Only configuration happens here: no array is created and nothing is compiled, so importing an
engine before gunicorn forks its workers stays safe.

* float64 is enabled so the optimizer lab's trajectories match a NumPy reference to ~1e-12
  and hover values are exact; the playground casts its own data to float32 explicitly.
* If ``JAX_COMPILATION_CACHE_DIR`` (or ``LOSSVIZ_JAX_CACHE_DIR``) is set, compiled programs
  are persisted there, including the small ones JAX skips by default, so a restarted worker
  loads its programs instead of compiling them.
"""

from __future__ import annotations

import os

import jax


def configure_jax() -> None:
    """Apply the project's JAX settings; idempotent, cheap, safe before fork."""
    jax.config.update("jax_enable_x64", True)
    cache_dir = os.environ.get("LOSSVIZ_JAX_CACHE_DIR") or os.environ.get(
        "JAX_COMPILATION_CACHE_DIR"
    )
    if cache_dir:
        jax.config.update("jax_compilation_cache_dir", cache_dir)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
