"""Start at login: the XDG entry for real in a temporary config folder; Windows through a fake
winreg; macOS in a temporary home."""

from __future__ import annotations

import plistlib
import re
import stat
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import autostart

# ---------------------------------------------------------------------------- helpers


def desktop_keys(path: Path) -> dict[str, str]:
    keys = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if "=" in line:
            key, _, value = line.partition("=")
            keys[key] = value
    return keys


_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def parse_exec(value: str) -> list[str]:
    """The Desktop Entry spec's Exec decoding: string escapes, then quoting, then %%."""
    text = re.sub(r"\\(.)", lambda m: _STRING_ESCAPES[m.group(1)], value)
    args: list[str] = []
    current: list[str] | None = None
    quoted = False
    chars = iter(text)
    for ch in chars:
        if quoted:
            if ch == "\\":
                nxt = next(chars)
                assert nxt in '"`$\\', f"bad escape \\{nxt}"
                current.append(nxt)
            elif ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == " ":
            if current is not None:
                args.append("".join(current))
                current = None
        else:
            if current is None:
                current = []
            if ch == '"':
                quoted = True
            else:
                assert ch not in "\t\n\"'\\><~|&;$*?#()`", f"unquoted reserved {ch!r}"
                current.append(ch)
    assert not quoted
    if current is not None:
        args.append("".join(current))
    return [arg.replace("%%", "%") for arg in args]


@pytest.fixture
def linux(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(sys, "platform", "linux")
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc-xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return config / "autostart" / "herald.desktop"


# ---------------------------------------------------------------------------- XDG


def test_linux_enable_writes_an_xdg_autostart_entry(linux):
    command = ["/opt/Herald App/herald", "--db", "sqlite:////home/ann/my%20db.db"]
    assert not autostart.is_enabled()

    autostart.enable(command)

    assert linux.is_file()
    keys = desktop_keys(linux)
    assert linux.read_text(encoding="utf-8").startswith("[Desktop Entry]\n")
    assert keys["Type"] == "Application"
    assert keys["Name"] == "Herald"
    assert keys["X-GNOME-Autostart-enabled"] == "true"
    assert keys["Exec"] == '"/opt/Herald App/herald" --db sqlite:////home/ann/my%%20db.db'
    assert parse_exec(keys["Exec"]) == command
    assert autostart.is_enabled()
    assert stat.S_IMODE(linux.stat().st_mode) == 0o644
    assert [p.name for p in linux.parent.iterdir()] == ["herald.desktop"]  # no temp files left
    assert autostart.describe() == str(linux)


def test_linux_enable_replaces_and_disable_removes(linux):
    autostart.enable(["/usr/bin/herald"])
    autostart.enable(["/usr/local/bin/herald"])
    assert parse_exec(desktop_keys(linux)["Exec"]) == ["/usr/local/bin/herald"]

    autostart.disable()
    assert not linux.exists()
    assert not autostart.is_enabled()
    autostart.disable()  # twice is fine
    assert not autostart.is_enabled()


def test_linux_default_command_runs_this_python_and_main_py(linux):
    autostart.enable()
    args = parse_exec(desktop_keys(linux)["Exec"])
    main_py = Path(autostart.__file__).resolve().parents[2] / "main.py"
    assert args == [sys.executable, str(main_py)]


def test_frozen_default_command_is_the_bundle_executable(linux, monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/herald/herald")
    monkeypatch.delenv("APPIMAGE", raising=False)
    assert autostart.default_command() == ["/opt/herald/herald"]
    monkeypatch.setenv("APPIMAGE", "/home/ann/Apps/Herald.AppImage")
    assert autostart.default_command() == ["/home/ann/Apps/Herald.AppImage"]


def test_relative_xdg_config_home_is_ignored(linux, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/config")
    autostart.enable(["herald"])
    assert (tmp_path / "home" / ".config" / "autostart" / "herald.desktop").is_file()
    assert not Path("relative").exists()


@pytest.mark.parametrize(
    "line",
    ["X-GNOME-Autostart-enabled=false", "Hidden=true", "Hidden=True"],
)
def test_linux_entry_switched_off_by_the_desktop_is_not_enabled(linux, line):
    autostart.enable(["herald"])
    text = linux.read_text(encoding="utf-8").replace("X-GNOME-Autostart-enabled=true\n", "")
    linux.write_text(text + line + "\n", encoding="utf-8")
    assert not autostart.is_enabled()
    autostart.enable(["herald"])
    assert autostart.is_enabled()


def test_linux_system_wide_entry_is_overridden_by_hidden(linux, tmp_path):
    system = tmp_path / "etc-xdg" / "autostart" / "herald.desktop"
    system.parent.mkdir(parents=True)
    system.write_text(autostart.desktop_entry(["/usr/bin/herald"]), encoding="utf-8")
    assert autostart.is_enabled()

    autostart.disable()
    assert system.is_file()  # not ours to delete
    assert desktop_keys(linux)["Hidden"] == "true"
    assert not autostart.is_enabled()

    autostart.enable(["/usr/bin/herald"])
    assert autostart.is_enabled()


def test_linux_write_failure_is_reported_for_a_person(linux, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(autostart.AutostartError, match="Could not turn on start at login"):
        autostart.enable(["herald"])


@pytest.mark.parametrize(
    ("arg", "quoted"),
    [
        ("/usr/bin/herald", "/usr/bin/herald"),
        ("--db=sqlite:///a.db", "--db=sqlite:///a.db"),
        ("/opt/my app/herald", '"/opt/my app/herald"'),
        ("", '""'),
        ('say "hi"', '"say \\\\"hi\\\\""'),
        ("C:\\Herald", '"C:\\\\\\\\Herald"'),  # four backslashes, as the spec says
        ("$HOME", '"\\\\$HOME"'),
        ("100%", "100%%"),
        ("it's", '"it\'s"'),
    ],
)
def test_exec_quoting_follows_the_desktop_entry_spec(arg, quoted):
    assert autostart.exec_line([arg]) == quoted
    assert parse_exec(quoted) == [arg]


def test_exec_refuses_line_breaks():
    with pytest.raises(ValueError):
        autostart.exec_line(["a\nb"])


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=12),
        min_size=1,
        max_size=4,
    )
)
def test_exec_line_round_trips(args):
    assert parse_exec(autostart.exec_line(args)) == args


def test_empty_command_is_refused(linux):
    with pytest.raises(ValueError):
        autostart.enable([])


# ---------------------------------------------------------------------------- Windows


class FakeKey:
    def __init__(self, values: dict) -> None:
        self.values = values

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc) -> None:
        pass


class FakeWinreg(types.ModuleType):
    """Just enough of winreg: keys are paths under HKCU, values are (data, type)."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_READ = 1
    KEY_SET_VALUE = 2
    REG_SZ = 1
    REG_BINARY = 3

    def __init__(self) -> None:
        super().__init__("winreg")
        self.keys: dict[tuple[str, str], dict[str, tuple[object, int]]] = {}

    def CreateKeyEx(self, root, path, reserved=0, access=0):
        return FakeKey(self.keys.setdefault((root, path), {}))

    def OpenKey(self, root, path, reserved=0, access=0):
        if (root, path) not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return FakeKey(self.keys[(root, path)])

    def SetValueEx(self, key, name, reserved, kind, value):
        key.values[name] = (value, kind)

    def QueryValueEx(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def DeleteValue(self, key, name):
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]

    def run_value(self):
        return self.keys.get(("HKCU", autostart.RUN_KEY), {}).get("Herald")


@pytest.fixture
def windows(monkeypatch) -> FakeWinreg:
    fake = FakeWinreg()
    monkeypatch.setitem(sys.modules, "winreg", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    return fake


def test_windows_enable_writes_the_run_value(windows):
    assert autostart.is_supported()
    assert not autostart.is_enabled()

    autostart.enable(["C:\\Program Files\\Herald\\herald.exe", "--db", "sqlite:///C:/h.db"])

    assert windows.run_value() == (
        '"C:\\Program Files\\Herald\\herald.exe" --db sqlite:///C:/h.db',
        FakeWinreg.REG_SZ,
    )
    assert autostart.is_enabled()
    assert "CurrentVersion\\Run" in autostart.describe()

    autostart.disable()
    assert windows.run_value() is None
    assert not autostart.is_enabled()
    autostart.disable()  # twice is fine


def test_windows_task_manager_switch_is_honoured_and_cleared_by_enable(windows):
    autostart.enable(["C:\\Herald\\herald.exe"])
    approved = windows.CreateKeyEx("HKCU", autostart.APPROVED_KEY)
    windows.SetValueEx(approved, "Herald", 0, FakeWinreg.REG_BINARY, b"\x03" + b"\x00" * 11)
    assert not autostart.is_enabled()

    windows.SetValueEx(approved, "Herald", 0, FakeWinreg.REG_BINARY, b"\x02" + b"\x00" * 11)
    assert autostart.is_enabled()

    windows.SetValueEx(approved, "Herald", 0, FakeWinreg.REG_BINARY, b"\x03" + b"\x00" * 11)
    autostart.enable(["C:\\Herald\\herald.exe"])
    assert "Herald" not in windows.keys[("HKCU", autostart.APPROVED_KEY)]
    assert autostart.is_enabled()


def test_windows_source_run_prefers_pythonw(windows, tmp_path, monkeypatch):
    python = tmp_path / "python.exe"
    python.write_bytes(b"")
    (tmp_path / "pythonw.exe").write_bytes(b"")
    monkeypatch.setattr(sys, "executable", str(python))
    command = autostart.default_command()
    assert command[0] == str(tmp_path / "pythonw.exe")
    assert command[1].endswith("main.py")


def test_windows_without_winreg_is_not_supported(monkeypatch):
    monkeypatch.setitem(sys.modules, "winreg", None)  # makes `import winreg` fail
    monkeypatch.setattr(sys, "platform", "win32")
    assert not autostart.is_supported()


def test_windows_registry_error_is_reported(windows, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(5, "Access is denied")

    monkeypatch.setattr(windows, "CreateKeyEx", denied)
    with pytest.raises(autostart.AutostartError, match="Access is denied"):
        autostart.enable(["C:\\Herald\\herald.exe"])


# ---------------------------------------------------------------------------- macOS


@pytest.fixture
def macos(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "Library" / "LaunchAgents" / "app.herald.plist"


def test_macos_enable_writes_a_launch_agent(macos):
    command = ["/Applications/Herald.app/Contents/MacOS/herald"]
    assert not autostart.is_enabled()

    autostart.enable(command)

    agent = plistlib.loads(macos.read_bytes())
    assert agent["Label"] == "app.herald"
    assert agent["ProgramArguments"] == command
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] is False
    assert autostart.is_enabled()
    assert autostart.describe() == str(macos)

    autostart.disable()
    assert not macos.exists()
    assert not autostart.is_enabled()
    autostart.disable()


def test_macos_disabled_or_damaged_agent_is_not_enabled(macos):
    autostart.enable(["/Applications/Herald.app/Contents/MacOS/herald"])
    agent = plistlib.loads(macos.read_bytes())
    macos.write_bytes(plistlib.dumps({**agent, "Disabled": True}))
    assert not autostart.is_enabled()
    macos.write_bytes(b"not a plist")
    assert not autostart.is_enabled()


def test_platform_is_read_at_call_time(monkeypatch):
    for platform, kind in (("linux", "xdg"), ("freebsd14", "xdg"), ("darwin", "macos")):
        monkeypatch.setattr(sys, "platform", platform)
        assert autostart.platform_kind() == kind
    monkeypatch.setattr(sys, "platform", "win32")
    assert autostart.platform_kind() == "windows"
