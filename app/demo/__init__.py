"""Herald's demo: a bakery with history, analytics and a week of upcoming posts, all on the
built-in emulator (never a real platform).

- `seed_history(db, emulator_url, ...)`: the history, published through the real adapters on
  clocks moved together (also `main.py demo-seed`).
- `prepare_demo(data_dir, ...)`: what `main.py --demo` needs: its own database and vault key,
  an in-process emulator, seeded on first use and reused afterwards.
- `DemoAdapters(clock, emulator_url)`: an AdapterSource that sends every account to the demo's
  emulator, whatever its settings say (app/bootstrap.py composes demo mode the same way).

No Qt here: the GUI runs `prepare_demo` on a worker thread and shows its progress.
"""

from app.demo.adapters import DemoAdapters
from app.demo.emulator import DemoError
from app.demo.environment import DemoEnvironment, prepare_demo
from app.demo.seed import SeedCancelled, SeedReport, seed_history

__all__ = [
    "DemoAdapters",
    "DemoEnvironment",
    "DemoError",
    "SeedCancelled",
    "SeedReport",
    "prepare_demo",
    "seed_history",
]
