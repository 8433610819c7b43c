"""What Instagram's and Threads' media containers share in the emulator: a container expires
24 h after it was made unless published, a publish call names it by `creation_id`, and
`GET /{id}` answers a container's status or, for a published post, the post's object.

Each network keeps its own status fields, processing times, error codes and post objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.emulator import graph
from app.emulator.graph import bad_param
from app.emulator.state import Container, Post
from app.emulator.wire import Request, Response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

DAY = 86400


def expire(emu: Emulator, c: Container) -> None:
    """An unpublished container older than a day has EXPIRED."""
    if c.status in ("IN_PROGRESS", "FINISHED") and emu.now_ts() - c.created_at >= DAY:
        c.status = "EXPIRED"


def to_publish(emu: Emulator, req: Request, user_id: str) -> Container | Response:
    """The container a publish call names (`creation_id`), or Graph's refusal: none named, or
    not one of the user's (a carousel item is published through its carousel only)."""
    creation_id = req.param("creation_id")
    if not creation_id:
        return bad_param("(#100) The parameter creation_id is required.")
    c = emu.state.containers.get(creation_id)
    if c is None or c.user_id != user_id or c.is_carousel_item:
        return graph.no_object(creation_id)
    return c


def container_or_post(
    emu: Emulator,
    platform: str,
    object_id: str,
    user_id: str,
    container_body: Callable[[Container], dict[str, Any]],
    post_body: Callable[[Post], dict[str, Any]],
) -> Response:
    """`GET /{id}`: the user's container (`container_body`, after its status moves on a poll)
    or published post (`post_body`), else Graph's "does not exist"."""
    c = emu.state.containers.get(object_id)
    if c is not None and c.user_id == user_id:
        return json_response(200, {"id": c.id, **container_body(c)})
    post = emu.state.post(platform, object_id)
    if post is not None and post.account == user_id and not post.deleted:
        return json_response(200, post_body(post))
    return graph.no_object(object_id)
