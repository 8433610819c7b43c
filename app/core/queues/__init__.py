"""Posting queues with weekly time slots (issue 22); see docs/queues.md."""

from app.core.queues.placement import QueueError
from app.core.queues.service import Placement, QueueInfo, QueueService
from app.core.queues.slots import Slot, SlotSyntaxError, format_slots, instants, parse_slots

__all__ = [
    "Placement",
    "QueueError",
    "QueueInfo",
    "QueueService",
    "Slot",
    "SlotSyntaxError",
    "format_slots",
    "instants",
    "parse_slots",
]
