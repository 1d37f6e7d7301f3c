"""The engine as a package: installed (`pip install -e .`), imported from any folder, the
notebook under examples/ reproducing the lab page's numbers, and the `lossviz` command serving."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "optimizer_lab.ipynb"
BIN = Path(sys.executable).parent


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH: only the installed package can make the imports work."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text())
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def test_the_engine_imports_from_any_folder(tmp_path):
    probe = "import landscapes, optimizers, playground; print(landscapes.__file__)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, env=_clean_env(),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, (
        "the engine is not installed in this environment: run `pip install -e .` "
        f"(.ci/run does)\n{done.stderr[-2000:]}"
    )
    assert Path(done.stdout.strip()).is_relative_to(ROOT)


@pytest.mark.slow
def test_the_notebook_reproduces_the_lab_pages_numbers(tmp_path):
    """Every code cell, in order, in a fresh interpreter outside the repository."""
    script = "\n\n".join(_code_cells(NOTEBOOK))
    script += "\n\nimport json\nprint(json.dumps(final))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=_clean_env(),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    final = json.loads(done.stdout.strip().splitlines()[-1])

    from serving.api.lab import lab_trajectories
    from settings.optimizer_lab import LabSettings

    page = {t.optimizer: (*t.path[-1], t.loss[-1]) for t in lab_trajectories(LabSettings.default())}
    assert set(final) == set(page)
    for name, numbers in page.items():
        np.testing.assert_allclose(final[name], numbers, rtol=1e-9, atol=1e-12, err_msg=name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_lossviz_command_serves_and_prints_one_url(tmp_path):
    command = BIN / "lossviz"
    assert command.exists(), "no `lossviz` command: run `pip install -e .`"
    port = _free_port()
    env = {**_clean_env(), "LOSSVIZ_PORT": str(port), "LOSSVIZ_WARMUP": "off"}
    log = tmp_path / "lossviz.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(command)], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/optimizers", timeout=5) as r:
                    status = r.status
                break
            except OSError:
                time.sleep(0.3)
        assert status == 200, log.read_text()[-3000:]
        # A data GET starts JAX (its backend probe must not log a TPU "error").
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/landscape/himmelblau.bin", timeout=60
        ) as r:
            assert r.status == 200
    finally:
        process.terminate()
        process.wait(20)
    text = log.read_text()
    assert text.count(f"http://127.0.0.1:{port}/") == 1, text
    for noise in ("libtpu", "Traceback", "WARNING: This is a development server"):
        assert noise not in text, text
