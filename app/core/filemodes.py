"""Herald's folders are private (0700) and its files too (0600).

The database holds the vault's salt and check value (a passphrase vault can be guessed offline
from a copy), tokens encrypted with that vault, and the posts; the logs name accounts. Nobody
else on the machine should be able to read them. New folders and files are created private;
folders and files an older Herald left readable by others are tightened on start.

SQLite creates its -wal and -shm files with the permissions of the database file, so a private
database file keeps them private too.

On Windows `chmod` only toggles the read-only flag and `st_mode` always looks open: everything
here is skipped there (the user's profile folder is already private by its ACL).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
#: group and others: any of these bits set means someone else can read, write or enter
_OPEN_TO_OTHERS = stat.S_IRWXG | stat.S_IRWXO

ENFORCED = os.name != "nt"


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make `path` itself private, whether it was
    just made or an older Herald made it open to others. Parents keep their mode (they may
    be the user's own folders)."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(path)
    return path


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, if it does not exist yet (an empty
    file is a valid empty SQLite database)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def private_opener(path: str, flags: int) -> int:
    """`open(..., opener=private_opener)`: a file created by the call is 0600."""
    return os.open(path, flags, PRIVATE_FILE)


def make_private(path: Path) -> None:
    """Set a file we just wrote to 0600 (a copy made by shutil gets the umask's mode)."""
    if ENFORCED:
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE)


def tighten(path: Path) -> bool:
    """Take group and others' bits off one file or folder; True when it changed anything.
    Symbolic links are left alone (their target may not be Herald's)."""
    if not ENFORCED:
        return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode) or not st.st_mode & _OPEN_TO_OTHERS:
        return False
    wanted = PRIVATE_DIR if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE
    try:
        os.chmod(path, stat.S_IMODE(st.st_mode) & ~_OPEN_TO_OTHERS & 0o7777 | (wanted & 0o700))
    except OSError:  # not ours (another user's file in a shared folder): leave it
        return False
    return True


def tighten_tree(root: Path) -> int:
    """Tighten `root` and everything below it; returns how many entries changed."""
    if not ENFORCED or not root.is_dir():
        return 0
    changed = int(tighten(root))
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            changed += tighten(Path(folder) / name)
    return changed


_announced: set[str] = set()


def secure_existing(trees: Iterable[Path], files: Iterable[Path] = ()) -> int:
    """Tighten Herald's folders (`trees`, walked) and single files (`files`, e.g. a database
    given with --db outside them) on start; says so once per process, in one log line."""
    trees = [t for t in dict.fromkeys(trees)]
    changed = sum(tighten_tree(t) for t in trees)
    changed += sum(tighten(f) for f in dict.fromkeys(files) if f.exists())
    key = "|".join(str(t) for t in trees)
    if changed and key not in _announced:
        _announced.add(key)
        log.warning(
            "made %d of Herald's files and folders private (owner only; other users of this "
            "machine could read them): %s",
            changed,
            ", ".join(str(t) for t in trees),
        )
    return changed
