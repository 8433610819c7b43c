"""LinkedIn under /linkedin: OAuth 2.0, userinfo, Posts API and the two statistics endpoints.

Paths (prefix /linkedin stands for https://www.linkedin.com and https://api.linkedin.com):
    GET  /oauth/v2/authorization         302 with code, state (PKCE checked when sent)
    POST /oauth/v2/accessToken           form: authorization_code or refresh_token grant
    GET  /v2/userinfo                    OpenID: sub, name, given_name, family_name
    POST /rest/posts                     201, empty body, URN in `x-restli-id`
    GET  /rest/posts?q=author&author={urn}&count=N     newest first (reconciliation)
    GET  /rest/posts/{urn}   DELETE /rest/posts/{urn}
    GET  /rest/socialActions/{urn}       likesSummary / commentsSummary
    GET  /rest/organizationalEntityShareStatistics?q=organizationalEntity
         &organizationalEntity=urn:li:organization:N&shares=List(urn:li:share:1,...)
         (also for posts authored by a person: statistics are returned for any known urn)
    GET  /rest/organizationAcls?q=roleAssignee   the pages the member administers

Permissions are checked as LinkedIn does, from the token's granted scopes: reading a
member's posts (q=author, socialActions) needs r_member_social; a page's posts and
statistics r_organization_social (or rw_organization_admin); posting as a page
w_organization_social; listing pages rw_organization_admin. Else 403 "Not enough
permissions". The same commentary by the same author within `linkedin_duplicate_window_s`
is refused 422 DUPLICATE_POST naming the first post, in LinkedIn's recorded body.

Every /rest call needs `LinkedIn-Version: YYYYMM` (or YYYYMM.RR): missing gives 400
VERSION_MISSING; malformed or outside the configured active range (`linkedin_oldest_version`
.. `linkedin_newest_version`, default 202201 and later) gives 426 NONEXISTENT_VERSION, as
LinkedIn answers for a sunset version (the emulator does not sunset versions by date, so
history seeded in the past keeps working). POST /rest/posts also needs
`X-Restli-Protocol-Version: 2.0.0` (else 400). Access tokens live 60 days; refresh tokens 365
days, not rotated, and a refresh does not extend them. 100 posts per member per UTC day, then
429 until midnight UTC (LinkedIn sends no reset header).

OAuth, media, comments and video live in app.emulator.linkedin.{auth,media,comments,video}.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from app.emulator.linkedin import auth as linkedin_auth
from app.emulator.linkedin import comments as linkedin_comments
from app.emulator.linkedin import media as linkedin_media
from app.emulator.linkedin import video as linkedin_video
from app.emulator.linkedin.auth import li_error, rest_auth, scope_refused, token_error
from app.emulator.names import NETWORK_OF
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import Post, utc
from app.emulator.wire import Request, Response, empty_response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
MAX_COMMENTARY = 3000
REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")
MEMBER_READ = ("r_member_social",)
PAGE_READ = ("r_organization_social", "rw_organization_admin")
PAGE_WRITE = ("w_organization_social",)
PAGE_ADMIN = ("rw_organization_admin",)
#: the pages every emulated member administers
ADMIN_PAGES = ("urn:li:organization:2414183",)
_PARTS = (linkedin_auth, linkedin_media, linkedin_comments, linkedin_video)
table = RouteTable([route for part in _PARTS for route in part.table.routes])


# ---------------------------------------------------------------------- posts
@table.add("POST", "/rest/posts", "publish")
def create_post(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    if req.header("X-Restli-Protocol-Version") != "2.0.0":
        return li_error(400, "X-Restli-Protocol-Version header must be 2.0.0 for this resource")
    body = req.json()
    if not isinstance(body, dict):
        return li_error(400, "Request body must be a JSON object")
    for name in REQUIRED:
        if name not in body or body[name] is None:
            return li_error(
                422,
                f"ERROR :: /{name} :: field is required but not found and has no default value\n",
            )
    commentary = body["commentary"]
    if not isinstance(commentary, str):
        return li_error(422, "ERROR :: /commentary :: expected a string\n")
    if len(commentary) > MAX_COMMENTARY:
        return li_error(
            422, f"ERROR :: /commentary :: length {len(commentary)} exceeds {MAX_COMMENTARY}\n"
        )
    if body["lifecycleState"] != "PUBLISHED":
        return li_error(422, "ERROR :: /lifecycleState :: only PUBLISHED is emulated\n")
    author = str(body["author"])
    member_urn = f"urn:li:person:{tok.user_id}"
    if not linkedin_media.may_post_as(tok.user_id, author):
        return li_error(
            403,
            "Not enough permissions to access: partnerApiPostsExternal.CREATE",
            serviceErrorCode=100,
        )
    if author != member_urn:
        refused = scope_refused(tok, PAGE_WRITE, "partnerApiPostsExternal.CREATE")
        if refused is not None:
            return refused
    first = _same_commentary(emu, author, commentary)
    if first is not None:
        return duplicate_error(first.external_id)
    images = linkedin_media.content_images(body.get("content"))
    if isinstance(images, str):
        return li_error(422, images)
    for urn in images:
        if linkedin_media.image(emu, urn) is None and linkedin_video.video(emu, urn) is None:
            return li_error(422, f"ERROR :: /content :: {urn} does not exist or is not uploaded\n")
    limit = emu.config.linkedin_posts_per_day
    q = emu.state.limits.daily_utc(f"li:posts:{tok.user_id}", limit, emu.now_ts())
    if not q.allowed:
        return li_error(
            429, "Resource level throttle MEMBER DAY limit for calls to this resource is reached."
        )
    urn = f"urn:li:share:{emu.state.new_id('li_share')}"
    article = (body.get("content") or {}).get("article") or {}
    media = images + (
        [article["source"]] if isinstance(article, dict) and article.get("source") else []
    )
    emu.state.add_post(
        Post(
            platform=P,
            account=tok.user_id if author == member_urn else author.rsplit(":", 1)[1],
            external_id=urn,
            text=commentary,
            created_at=emu.now_ts(),
            media=media,
            idempotency_key=req.header("Idempotency-Key"),
            extra={
                "author": author,
                "user_id": tok.user_id,
                "visibility": body["visibility"],
                "alt_texts": linkedin_media.alt_texts(body.get("content")),
            },
        )
    )
    return empty_response(201, {"x-restli-id": urn})


def duplicate_error(urn: str) -> Response:
    """The body LinkedIn sent for a re-post (Arisamiga/Linkedin-RSS issue 5, 2023-12-14)."""
    return json_response(
        422,
        {
            "errorDetailType": "com.linkedin.common.error.BadRequest",
            "message": "com.linkedin.content.common.exception.BadRequestResponseException: "
            f"Content is a duplicate of {urn}",
            "errorDetails": {
                "inputErrors": [
                    {
                        "description": "Duplicate post is detected",
                        "input": {},
                        "code": "DUPLICATE_POST",
                    }
                ]
            },
            "status": 422,
        },
    )


def _same_commentary(emu: Emulator, author: str, commentary: str) -> Post | None:
    since = emu.now_ts() - emu.config.linkedin_duplicate_window_s
    for post in reversed(emu.state.posts):
        if post.created_at < since:
            break
        if (
            post.platform == P
            and not post.deleted
            and post.extra.get("author") == author
            and post.text == commentary
        ):
            return post
    return None


def _read_refused(tok: Any, author: str, resource: str) -> Response | None:
    needed = PAGE_READ if author.startswith("urn:li:organization:") else MEMBER_READ
    return scope_refused(tok, needed, resource)


def _element(post: Post) -> dict[str, Any]:
    ms = int(post.created_at * 1000)
    return {
        "id": post.external_id,
        "author": post.extra.get("author", f"urn:li:person:{post.account}"),
        "commentary": post.text,
        "visibility": post.extra.get("visibility", "PUBLIC"),
        "lifecycleState": "PUBLISHED",
        "createdAt": ms,
        "publishedAt": ms,
        "lastModifiedAt": ms,
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "isReshareDisabledByAuthor": False,
        "lifecycleStateInfo": {"isEditedByAuthor": False},
    }


@table.add("GET", "/rest/posts", "lookup")
def find_posts(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    if req.query.get("q") != "author" or not req.query.get("author"):
        return li_error(400, "Finder q=author with an author parameter is required")
    author = req.query["author"]
    refused = _read_refused(tok, author, "partnerApiPostsExternal.FINDER-author")
    if refused is not None:
        return refused
    count = int(req.query.get("count", "10")) if req.query.get("count", "10").isdigit() else 10
    start = int(req.query.get("start", "0")) if req.query.get("start", "0").isdigit() else 0
    mine = [
        p
        for p in reversed(emu.state.posts)
        if p.platform == P and not p.deleted and p.extra.get("author") == author
    ]
    page = [_element(p) for p in mine[start : start + max(1, min(count, 100))]]
    paging = {"start": start, "count": len(page), "links": [], "total": len(mine)}
    return json_response(200, {"elements": page, "paging": paging})


def _own_post(emu: Emulator, urn: str) -> Post | None:
    post = emu.state.post(P, urn)
    return None if post is None or post.deleted else post


@table.add("GET", r"/rest/posts/(?P<urn>urn:li:\w+:\d+)", "lookup")
def get_post(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_post(emu, m["urn"])
    if post is None:
        return li_error(404, f"Post {m['urn']} not found")
    return json_response(200, _element(post))


@table.add("DELETE", r"/rest/posts/(?P<urn>urn:li:\w+:\d+)", "delete")
def delete_post(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_post(emu, m["urn"])
    if post is None:
        return li_error(404, f"Post {m['urn']} not found")
    if post.extra.get("user_id") != tok.user_id:
        return li_error(403, "Not enough permissions to delete this post")
    post.deleted = True
    return empty_response(204)


def _metrics(emu: Emulator, post: Post) -> dict[str, int]:
    return emu.model.metrics(NETWORK_OF[P], post.external_id, utc(post.created_at), emu.now())


@table.add("GET", r"/rest/socialActions/(?P<urn>urn:li:\w+:\d+)", "metrics")
def social_actions(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_post(emu, m["urn"])
    if post is None:
        return li_error(404, f"Entity {m['urn']} not found")
    refused = _read_refused(tok, str(post.extra.get("author", "")), "socialActions.GET")
    if refused is not None:
        return refused
    mx = _metrics(emu, post)
    body = {
        "target": post.external_id,
        "likesSummary": {
            "selectedLikes": [],
            "aggregatedTotalLikes": mx["likes"],
            "likedByCurrentUser": False,
            "totalLikes": mx["likes"],
        },
        "commentsSummary": {
            "selectedComments": [],
            "totalFirstLevelComments": mx["comments"],
            "commentsState": "OPEN",
            "aggregatedTotalComments": mx["comments"],
        },
    }
    return json_response(200, body)


def _urn_list(value: str | None) -> list[str]:
    if not value:
        return []
    inner = value.strip()
    if inner.startswith("List(") and inner.endswith(")"):
        inner = inner[5:-1]
    # Rest.li 2.0 wants the URNs inside List() URL-encoded; a client that also encodes the
    # whole value makes them arrive encoded twice: accept both
    return [unquote(u.strip()) for u in inner.split(",") if u.strip()]


@table.add("GET", "/rest/organizationalEntityShareStatistics", "metrics")
def share_statistics(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    org = req.query.get("organizationalEntity")
    if req.query.get("q") != "organizationalEntity" or not org:
        return li_error(400, "Finder q=organizationalEntity with organizationalEntity is required")
    refused = scope_refused(tok, PAGE_READ, "organizationalEntityShareStatistics.FINDER")
    if refused is not None:
        return refused
    urns = _urn_list(req.query.get("shares")) + _urn_list(req.query.get("ugcPosts"))
    urns += [v for k, v in req.query.items() if re.fullmatch(r"(shares|ugcPosts)\[\d+\]", k)]
    elements = []
    for urn in urns:
        post = _own_post(emu, urn)
        if post is None:
            continue
        mx = _metrics(emu, post)
        engaged = mx["likes"] + mx["comments"] + mx["shares"] + mx["clicks"]
        stats = {
            "uniqueImpressionsCount": int(mx["impressions"] * 0.8),
            "shareCount": mx["shares"],
            "engagement": round(engaged / mx["impressions"], 6) if mx["impressions"] else 0.0,
            "clickCount": mx["clicks"],
            "likeCount": mx["likes"],
            "impressionCount": mx["impressions"],
            "commentCount": mx["comments"],
        }
        key = "ugcPost" if ":ugcPost:" in urn else "share"
        elements.append({"organizationalEntity": org, key: urn, "totalShareStatistics": stats})
    paging = {"start": 0, "count": len(elements), "links": []}
    return json_response(200, {"elements": elements, "paging": paging})


@table.add("GET", "/rest/organizationAcls", "account")
def organization_acls(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = rest_auth(emu, req)
    if isinstance(tok, Response):
        return tok
    if req.query.get("q") != "roleAssignee":
        return li_error(400, "Finder q=roleAssignee is required")
    refused = scope_refused(tok, PAGE_ADMIN, "organizationAcls.FINDER-roleAssignee")
    if refused is not None:
        return refused
    role = req.query.get("role", "ADMINISTRATOR")
    state = req.query.get("state", "APPROVED")
    member = f"urn:li:person:{tok.user_id}"
    elements = []
    if role == "ADMINISTRATOR" and state == "APPROVED":
        elements = [
            {
                "roleAssignee": member,
                "state": "APPROVED",
                "role": "ADMINISTRATOR",
                "organization": o,
            }
            for o in ADMIN_PAGES
        ]
    paging = {"start": 0, "count": 10, "links": [], "total": len(elements)}
    return json_response(200, {"paging": paging, "elements": elements})


# ---------------------------------------------------------------------- faults
def fault_response(
    emu: Emulator, req: Request, route: Route, kind: str, params: dict[str, Any]
) -> Response:
    if kind == "429":
        return li_error(
            429, "Resource level throttle MEMBER DAY limit for calls to this resource is reached."
        )
    if kind == "invalid_token":
        if route.endpoint == "token":
            return linkedin_auth.oauth_error(
                "The provided authorization grant or refresh token is invalid, expired or revoked",
                "invalid_grant",
            )
        return token_error("expired")
    if kind == "duplicate":
        last = next((p.external_id for p in reversed(emu.state.posts) if p.platform == P), None)
        return duplicate_error(last or "urn:li:share:0")
    texts = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
    status = kind if kind in texts else "500"
    return li_error(int(status), texts[status])


def not_found(req: Request) -> Response:
    return li_error(404, f"No virtual resource found for {req.path}")


API = PlatformAPI(
    key=P, prefix="linkedin", table=table, fault_response=fault_response, not_found=not_found
)
