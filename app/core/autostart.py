"""Start Herald when the user logs in, the way each platform expects (no Qt here).

- Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/herald.desktop``
  (``~/.config/autostart`` by default), written atomically.
- Windows: the value "Herald" under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.
  Task Manager's "Disabled" switch (``...\\Explorer\\StartupApproved\\Run``) is honoured by
  `is_enabled()` and cleared by `enable()`.
- macOS: a launch agent, ``~/Library/LaunchAgents/app.herald.plist`` (RunAtLoad), loaded by
  launchd at the next login.

The Settings dialog calls::

    from app.core import autostart
    autostart.is_supported()       # False: hide or disable the check box
    autostart.is_enabled()         # the check box's state
    autostart.enable()             # starts `default_command()` at login
    autostart.disable()
    autostart.describe()           # where the entry lives, for a tooltip

`enable`, `disable` and `is_enabled` raise `AutostartError` (a message meant for a person)
when the entry cannot be written, removed or read; `enable` raises ValueError for an empty
command.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import plistlib
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

APP_ID = "herald"
ENTRY_NAME = "Herald"  # the Windows Run value's name
LAUNCH_AGENT_LABEL = "app.herald"
DESKTOP_FILE = f"{APP_ID}.desktop"

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"

Kind = Literal["xdg", "windows", "macos"]


class AutostartError(RuntimeError):
    """The login entry could not be read, written or removed; the message is for a person."""


# ---------------------------------------------------------------------------- public API


def platform_kind() -> Kind:
    """Which mechanism applies here (read at call time, so tests can change sys.platform)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "xdg"


def is_supported() -> bool:
    if platform_kind() == "windows":
        try:
            _winreg()
        except ImportError:
            return False
    return True


def default_command() -> list[str]:
    """How to start this Herald: the bundle's executable, or this Python running Herald."""
    if getattr(sys, "frozen", False):
        # An AppImage runs from a temporary mount; $APPIMAGE is the file the user keeps.
        appimage = os.environ.get("APPIMAGE")
        if appimage and platform_kind() == "xdg":
            return [appimage]
        return [sys.executable]
    python = _gui_python(sys.executable)
    main_py = Path(__file__).resolve().parents[2] / "main.py"
    if main_py.is_file():
        return [python, str(main_py)]
    return [python, "-m", "app.cli"]


def enable(command: Sequence[str] | None = None) -> None:
    """Start `command` (default: `default_command()`) at login. Replaces an existing entry."""
    args = [str(a) for a in (command if command is not None else default_command())]
    if not args or not args[0]:
        raise ValueError("the autostart command is empty")
    kind = platform_kind()
    try:
        if kind == "windows":
            _windows_enable(args)
        elif kind == "macos":
            _write_atomic(launch_agent_path(), _launch_agent(args))
        else:
            _write_atomic(xdg_entry_path(), desktop_entry(args).encode("utf-8"))
    except OSError as exc:
        raise AutostartError(f"Could not turn on start at login: {exc}") from exc


def disable() -> None:
    """Do not start Herald at login. Doing it twice is fine."""
    kind = platform_kind()
    try:
        if kind == "windows":
            _windows_disable()
        elif kind == "macos":
            launch_agent_path().unlink(missing_ok=True)
        else:
            _xdg_disable()
    except OSError as exc:
        raise AutostartError(f"Could not turn off start at login: {exc}") from exc


def is_enabled() -> bool:
    kind = platform_kind()
    try:
        if kind == "windows":
            return _windows_enabled()
        if kind == "macos":
            return _launch_agent_enabled(launch_agent_path())
        return _xdg_enabled()
    except OSError as exc:
        raise AutostartError(f"Could not read the start-at-login setting: {exc}") from exc


def describe() -> str:
    """Where the entry lives, in words (for a tooltip)."""
    kind = platform_kind()
    if kind == "windows":
        return f"HKEY_CURRENT_USER\\{RUN_KEY} ({ENTRY_NAME})"
    if kind == "macos":
        return str(launch_agent_path())
    return str(xdg_entry_path())


# ---------------------------------------------------------------------------- XDG (Linux, BSD)


def _xdg_config_home() -> Path:
    value = os.environ.get("XDG_CONFIG_HOME", "")
    # The spec says relative paths are invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".config"


def _xdg_config_dirs() -> list[Path]:
    value = os.environ.get("XDG_CONFIG_DIRS", "") or "/etc/xdg"
    return [Path(p) for p in value.split(os.pathsep) if p and os.path.isabs(p)]


def xdg_entry_path() -> Path:
    return _xdg_config_home() / "autostart" / DESKTOP_FILE


def _system_entry() -> Path | None:
    """A system-wide autostart entry (e.g. from a distribution package), if any."""
    for folder in _xdg_config_dirs():
        path = folder / "autostart" / DESKTOP_FILE
        if path.is_file():
            return path
    return None


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _quote_exec_arg(arg: str) -> str:
    """Quote one Exec argument (Desktop Entry spec, "The Exec key")."""
    if any(ch in arg for ch in "\n\r\0"):
        raise ValueError(f"an autostart argument cannot contain a line break: {arg!r}")
    if arg and not (set(arg) & _RESERVED):
        quoted = arg
    else:
        inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        quoted = f'"{inner}"'
    # '%' starts a field code; then the string-level escape doubles every backslash.
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def exec_line(args: Sequence[str]) -> str:
    return " ".join(_quote_exec_arg(a) for a in args)


def desktop_entry(args: Sequence[str]) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=Herald",
        "Comment=Schedule and publish social posts",
        f"Exec={exec_line(args)}",
        "Icon=herald",
        "Terminal=false",
        "StartupNotify=false",
        "X-GNOME-Autostart-enabled=true",
        "X-GNOME-Autostart-Delay=5",
        "X-KDE-autostart-after=panel",
        "",
    ]
    return "\n".join(lines)


def _desktop_keys(path: Path) -> dict[str, str]:
    """Keys of the [Desktop Entry] group (enough of the format for Hidden/enabled flags)."""
    keys: dict[str, str] = {}
    group = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
            continue
        if group == "Desktop Entry" and "=" in line:
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), value.strip())
    return keys


def _entry_active(path: Path) -> bool:
    keys = _desktop_keys(path)
    if keys.get("Hidden", "").lower() == "true":
        return False
    return keys.get("X-GNOME-Autostart-enabled", "true").lower() != "false"


def _xdg_enabled() -> bool:
    user = xdg_entry_path()
    if user.is_file():  # the user's entry overrides a system-wide one of the same name
        return _entry_active(user)
    system = _system_entry()
    return system is not None and _entry_active(system)


def _xdg_disable() -> None:
    user = xdg_entry_path()
    user.unlink(missing_ok=True)
    system = _system_entry()
    if system is not None and _entry_active(system):
        # Only an entry of the same name with Hidden=true turns a system-wide one off.
        text = "[Desktop Entry]\nType=Application\nName=Herald\nHidden=true\n"
        _write_atomic(user, text.encode("utf-8"))


# ---------------------------------------------------------------------------- macOS


def launch_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def _launch_agent(args: Sequence[str]) -> bytes:
    agent: dict[str, Any] = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": list(args),
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",  # only in a graphical login session
    }
    return plistlib.dumps(agent)


def _launch_agent_enabled(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        agent = plistlib.loads(path.read_bytes())
    except (plistlib.InvalidFileException, ValueError):
        return False
    return isinstance(agent, dict) and not agent.get("Disabled", False)


# ---------------------------------------------------------------------------- Windows


def _winreg() -> ModuleType:
    # Imported by name: the module exists only on Windows (and typeshed says so too).
    return importlib.import_module("winreg")


def _gui_python(python: str) -> str:
    """On Windows prefer pythonw.exe, so login does not open a console window."""
    path = Path(python)
    if platform_kind() == "windows" and path.name.lower() == "python.exe":
        pythonw = path.with_name("pythonw.exe")
        if pythonw.is_file():
            return str(pythonw)
    return python


def _windows_enable(args: Sequence[str]) -> None:
    winreg = _winreg()
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        winreg.SetValueEx(key, ENTRY_NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(args))
    _windows_clear_approval(winreg)


def _windows_clear_approval(winreg: ModuleType) -> None:
    """Forget Task Manager's "Disabled" switch, so turning the setting on really turns it on."""
    with contextlib.suppress(FileNotFoundError):
        key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, APPROVED_KEY, 0, winreg.KEY_SET_VALUE)
        with key:
            winreg.DeleteValue(key, ENTRY_NAME)


def _windows_disable() -> None:
    winreg = _winreg()
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
            winreg.DeleteValue(key, ENTRY_NAME)
    except FileNotFoundError:
        pass
    _windows_clear_approval(winreg)


def _windows_enabled() -> bool:
    winreg = _winreg()
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_READ) as key:
            value, _kind = winreg.QueryValueEx(key, ENTRY_NAME)
    except FileNotFoundError:
        return False
    if not value:
        return False
    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, APPROVED_KEY, 0, winreg.KEY_READ) as key:
            flags, _kind = winreg.QueryValueEx(key, ENTRY_NAME)
    except FileNotFoundError:
        return True
    # Task Manager writes 12 bytes: the first is even when enabled (02/06), odd when not (03).
    return not (isinstance(flags, bytes | bytearray) and flags and flags[0] & 1)


# ---------------------------------------------------------------------------- files


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
