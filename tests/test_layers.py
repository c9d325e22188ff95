"""The packages keep to their layers: web on top, then feedback, then consultations; the chat
channels apart, talking to the back end over HTTP only."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _importlinter() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    done = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(_importlinter()['contracts'])} kept, 0 broken" in done.stdout


def test_every_package_of_ours_is_in_a_layer():
    config = _importlinter()
    [layers] = [c for c in config["contracts"] if c["type"] == "layers"]
    layered = {name for layer in layers["layers"] for name in re.split(r"[|:]", layer)}
    assert {name.strip() for name in layered} == set(config["root_packages"])
