"""EventHub events are published on any thread (the engine's, a worker's); widgets may only be
touched on the GUI thread. An EventBridge re-emits chosen events as a Qt signal, which Qt
queues to the receiver's thread, and unsubscribes when the widget that owns it is destroyed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal

from app.core.events import Event, EventHub


class EventBridge(QObject):
    received = Signal(object)  # the Event

    def __init__(
        self,
        events: EventHub,
        kinds: Iterable[str],
        on_event: Callable[[Event], None],
        owner: QObject,
        *,
        queued: bool = False,
    ) -> None:
        """`queued`: deliver on the next turn of the event loop even when published on the
        GUI thread itself (default: at once there, queued from other threads)."""
        super().__init__(owner)
        kind = Qt.ConnectionType.QueuedConnection if queued else Qt.ConnectionType.AutoConnection
        self.received.connect(on_event, kind)
        emit = self.received.emit
        unsubscribers = [events.subscribe(emit, k) for k in kinds]

        def unsubscribe(*_args: object) -> None:
            for fn in unsubscribers:
                fn()
            unsubscribers.clear()

        owner.destroyed.connect(unsubscribe)
        self.unsubscribe = unsubscribe
