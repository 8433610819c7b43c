"""The emulator shares no code with what it tests (issue 17): no module of app/emulator imports
anything from app outside app.emulator, and each network has its own sub-package."""

from __future__ import annotations

import ast
from pathlib import Path

import app.emulator

EMULATOR = Path(app.emulator.__file__).parent


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):  # nested and TYPE_CHECKING imports count too
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _outside_emulator(module: str) -> bool:
    in_app = module == "app" or module.startswith("app.")
    return in_app and not (module == "app.emulator" or module.startswith("app.emulator."))


def test_the_emulator_imports_nothing_from_app_but_itself() -> None:
    sources = sorted(EMULATOR.rglob("*.py"))
    assert len(sources) > 10  # the walk found the package
    leaks = [
        f"{path.relative_to(EMULATOR)}: {module}"
        for path in sources
        for module in _imported_modules(path)
        if _outside_emulator(module)
    ]
    assert leaks == []


def test_each_network_is_a_sub_package() -> None:
    packages = {p.parent.name for p in EMULATOR.glob("*/__init__.py")}
    assert {"twitter", "instagram", "linkedin", "facebook"} <= packages
    flat = sorted(p.name for p in EMULATOR.glob("*.py"))
    assert not [name for name in flat if name.split("_")[0].removesuffix(".py") in packages]
    assert "x.py" not in flat
