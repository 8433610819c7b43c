"""The main window's views, built when first asked for (issue 20, start-up).

Only the first view (the calendar) is built before the window's first frame; the others sit
in the stack as empty placeholder pages and are built the first time they are shown or looked
up (`views["analytics"]`, `views.get("accounts")`), so tests and the testers' plugin that
reach for a view by key still get the real one. `built()` gives only the views that exist,
for work that a view not yet built will do itself when it is built (taking the workspace).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from PySide6.QtWidgets import QStackedWidget, QWidget

Builder = Callable[[], QWidget]


class LazyViews(Mapping[str, QWidget]):
    """key -> view, each a page of `stack`. A view added with a builder has an empty
    placeholder page (objectName `<key>Placeholder`) until it is first looked up; it is then
    built, takes its placeholder's place in the stack (and its current-ness), and is handed to
    `on_built(view)` (the window gives it the workspace)."""

    def __init__(self, stack: QStackedWidget, on_built: Callable[[QWidget], None]) -> None:
        self._stack = stack
        self._views: dict[str, QWidget] = {}
        self._builders: dict[str, Builder] = {}
        self._placeholders: dict[str, QWidget] = {}
        self._order: list[str] = []
        self._on_built = on_built
        self._waiting: dict[str, list[Callable[[QWidget], None]]] = {}

    def add(self, key: str, view: QWidget) -> None:
        if key not in self._order:
            self._order.append(key)
        self._views[key] = view
        self._stack.addWidget(view)

    def add_lazy(self, key: str, builder: Builder, placeholder: QWidget | None = None) -> None:
        """`placeholder`: what the page shows until built (the calendar's frame while the
        database opens); an empty page by default."""
        if key not in self._order:
            self._order.append(key)
        self._builders[key] = builder
        if placeholder is None:
            placeholder = QWidget(self._stack)
            placeholder.setObjectName(f"{key}Placeholder")
        self._placeholders[key] = placeholder
        self._stack.addWidget(placeholder)

    def is_built(self, key: str) -> bool:
        return key in self._views

    def pending(self) -> list[str]:
        return [k for k in self._order if k in self._builders]

    def built(self) -> list[QWidget]:
        return [self._views[k] for k in self._order if k in self._views]

    def when_built(self, key: str, callback: Callable[[QWidget], None]) -> None:
        """`callback(view)` now if the view exists, else right after it is built."""
        if key in self._views:
            callback(self._views[key])
        elif key in self._builders:
            self._waiting.setdefault(key, []).append(callback)

    def __getitem__(self, key: str) -> QWidget:
        view = self._views.get(key)
        if view is not None:
            return view
        builder = self._builders.pop(key)  # KeyError for an unknown area, as a dict
        view = builder()
        self._views[key] = view
        self._replace_placeholder(key, view)
        self._on_built(view)
        for callback in self._waiting.pop(key, []):
            callback(view)
        return view

    def _replace_placeholder(self, key: str, view: QWidget) -> None:
        placeholder = self._placeholders.pop(key)
        stack = self._stack
        showing = stack.currentWidget() is placeholder
        stack.insertWidget(stack.indexOf(placeholder), view)
        if showing:
            stack.setCurrentWidget(view)
        stack.removeWidget(placeholder)
        placeholder.setParent(None)  # gone from findChild at once (its objectNames too)
        placeholder.deleteLater()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._order))

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._views or key in self._builders
