"""Create (or reuse) the project's virtual environment with a working pip.

Debian and Ubuntu ship python3 without `ensurepip` unless python3-venv is installed; then
we create the venv without pip and install pip from its wheel on PyPI, so the README's two
commands work on a machine that has only Python and make.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

MIN_PYTHON = (3, 11)


def _python(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _has_pip(python: Path) -> bool:
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def _install_pip_from_pypi(python: Path) -> None:
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        info = json.load(response)
    wheel = next(u for u in info["urls"] if u["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(wheel["url"], target)
        subprocess.run([python, f"{target}/pip", "install", "--quiet", str(target)], check=True)


def main() -> int:
    if sys.version_info < MIN_PYTHON:
        print(
            f"Herald needs Python {'.'.join(map(str, MIN_PYTHON))} or newer; this is {sys.version.split()[0]}."
        )
        return 1
    env_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ".venv")
    python = _python(env_dir)
    if not python.exists():
        print(f"Creating {env_dir} ...")
        try:
            venv.create(env_dir, with_pip=True)
        except (subprocess.CalledProcessError, OSError):
            venv.create(env_dir, with_pip=False, clear=True)
    if not _has_pip(python):
        print("This Python has no ensurepip (Debian's python3-venv); installing pip from PyPI ...")
        _install_pip_from_pypi(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
