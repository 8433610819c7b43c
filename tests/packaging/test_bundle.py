"""Build the PyInstaller bundle from packaging/herald.spec and run it: `--version` and the
headless self-check (main window offscreen, exit 0). Slow (about 1.5 minutes on 2 cores).

PyInstaller is pip-installed into the running environment when it is missing; the test is
skipped only when the package index cannot be reached at all.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app import __version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "herald.spec"
PYINSTALLER_REQUIREMENT = "pyinstaller>=6.6"
BUILD_TIMEOUT_S = 720
RUN_TIMEOUT_S = 120


def _index_reachable() -> bool:
    index = os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple/").rstrip("/")
    try:
        with urllib.request.urlopen(f"{index}/pyinstaller/", timeout=15) as response:
            return response.status < 400
    except (urllib.error.URLError, OSError):
        return False


def _ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        + [PYINSTALLER_REQUIREMENT],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        if not _index_reachable():
            pytest.skip(f"PyPI is unreachable, so {PYINSTALLER_REQUIREMENT} cannot be installed")
        pytest.fail(f"pip install {PYINSTALLER_REQUIREMENT} failed:\n{result.stderr[-4000:]}")
    importlib.invalidate_caches()


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "HERALD_")) and k not in {"VIRTUAL_ENV"}
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The built one-folder bundle, dist/herald."""
    _ensure_pyinstaller()
    tmp = tmp_path_factory.mktemp("bundle")
    dist, work = tmp / "dist", tmp / "build"
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
        + ["--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        cwd=ROOT,
        env=_clean_env(QT_API="pyside6"),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    )
    if result.returncode != 0:
        pytest.fail(f"PyInstaller failed ({result.returncode}):\n{result.stderr[-6000:]}")
    folder = dist / "herald"
    assert folder.is_dir(), f"no bundle folder in {dist}: {list(dist.iterdir())}"
    return folder


def _executable(bundle: Path) -> Path:
    if sys.platform == "win32":
        return bundle / "herald-cli.exe"  # the console twin of the windowed herald.exe
    return bundle / "herald"


def _contents(bundle: Path) -> Path:
    internal = bundle / "_internal"  # PyInstaller >= 6 keeps everything but the executable here
    return internal if internal.is_dir() else bundle


def _run(bundle: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    return subprocess.run(
        [str(_executable(bundle)), *args],
        cwd=tmp_path,
        env=_clean_env(QT_QPA_PLATFORM="offscreen", HERALD_DATA_DIR=str(data)),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )


def test_bundle_prints_its_version(bundle, tmp_path):
    result = _run(bundle, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Herald {__version__}"


def test_bundle_self_check_opens_the_main_window_offscreen(bundle, tmp_path):
    result = _run(bundle, tmp_path, "--self-check")
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert "self-check ok" in result.stdout
    assert "Traceback" not in result.stderr
    # The database was created and migrated by the bundled Alembic scripts.
    assert (tmp_path / "data" / "herald.db").is_file()


def test_bundle_carries_its_data_files(bundle):
    contents = _contents(bundle)
    migrations = contents / "app" / "core" / "migrations"
    assert (migrations / "env.py").is_file()
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == sorted(
        p.name for p in (ROOT / "app" / "core" / "migrations" / "versions").glob("*.py")
    )
    assert (contents / "app" / "ui" / "style.qss").is_file()
    assert (contents / "app" / "ui" / "icons" / "herald-256.png").is_file()
    assert list((contents / "qtawesome" / "fonts").glob("*.ttf"))
    assert (contents / "tzdata" / "zoneinfo" / "America" / "New_York").is_file()
    assert list(contents.glob("keyring-*.dist-info/entry_points.txt"))
    for name in (p.name for p in (ROOT / "resources").glob("*") if p.is_file()):
        assert (contents / "resources" / name).is_file()
    if sys.platform not in ("win32", "darwin"):  # XDG desktop files for installers
        assert (contents / "share" / "applications" / "herald.desktop").is_file()
        hicolor = contents / "share" / "icons" / "hicolor"
        assert (hicolor / "48x48" / "apps" / "herald.png").is_file()
        assert (hicolor / "scalable" / "apps" / "herald.svg").is_file()
