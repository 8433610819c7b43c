"""Reading LinkedIn's numbers for posts: organization share statistics (company pages, batched)
and social actions (person posts, one call each; no share or impression counts there)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import quote

from app.adapters.http import Reply, as_dict, as_int, as_list, as_str
from app.core.ports import Metrics, PermanentError
from app.platforms.linkedin.wire import NOT_PERMITTED

#: GET one URL with the account's read scope (the adapter's `_read`)
Read = Callable[[str], Reply]


def organization_statistics(
    read: Read, api_base: str, organization: str, urns: Sequence[str]
) -> dict[str, Metrics]:
    shares = [u for u in urns if u.startswith("urn:li:share:")]
    ugc = [u for u in urns if not u.startswith("urn:li:share:")]
    # Rest.li 2.0 lists: List(a,b) with each URN encoded but the list syntax kept.
    query = [
        "q=organizationalEntity",
        f"organizationalEntity={quote(organization, safe='')}",
    ]
    if shares:
        query.append("shares=List(" + ",".join(quote(u, safe="") for u in shares) + ")")
    if ugc:
        query.append("ugcPosts=List(" + ",".join(quote(u, safe="") for u in ugc) + ")")
    reply = read(f"{api_base}/rest/organizationalEntityShareStatistics?{'&'.join(query)}")
    result: dict[str, Metrics] = {}
    for element in as_list(reply.json_dict().get("elements")):
        element = as_dict(element)
        urn = as_str(element.get("share")) or as_str(element.get("ugcPost"))
        if urn is None or urn not in urns:
            continue
        stats = as_dict(element.get("totalShareStatistics"))
        result[urn] = Metrics(
            likes=as_int(stats.get("likeCount")),
            shares=as_int(stats.get("shareCount")),
            comments=as_int(stats.get("commentCount")),
            impressions=as_int(stats.get("impressionCount")),
        )
    return result


def social_actions(read: Read, urns: Sequence[str]) -> dict[str, Metrics]:
    result: dict[str, Metrics] = {}
    for urn in urns:
        try:
            reply = read(f"/rest/socialActions/{quote(urn, safe='')}")
        except PermanentError as exc:
            if exc.code == NOT_PERMITTED:
                raise
            continue  # deleted or not visible any more
        body = reply.json_dict()
        likes = as_dict(body.get("likesSummary"))
        comments = as_dict(body.get("commentsSummary"))
        result[urn] = Metrics(
            likes=as_int(likes.get("totalLikes") or likes.get("aggregatedTotalLikes")),
            comments=as_int(
                comments.get("aggregatedTotalComments") or comments.get("totalFirstLevelComments")
            ),
            # Person posts have no share/impression counts in this API.
            shares=as_int(body.get("shareCount")),
            impressions=as_int(body.get("impressionCount")),
        )
    return result
