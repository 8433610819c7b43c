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

Every /rest call needs `LinkedIn-Version: YYYYMM` (or YYYYMM.RR): missing gives 400
VERSION_MISSING; malformed or older than 202201 gives 426 NONEXISTENT_VERSION, as LinkedIn
answers for a sunset version (the emulator does not sunset versions by date, so history
seeded in the past keeps working). POST /rest/posts also needs
`X-Restli-Protocol-Version: 2.0.0` (else 400). Access tokens live 60 days; refresh tokens 365
days, not rotated, and a refresh does not extend them. 100 posts per member per UTC day, then
429 until midnight UTC (LinkedIn sends no reset header).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from app.emulator import oauth
from app.emulator.routes import PlatformAPI, Route, RouteTable
from app.emulator.state import PLATFORM_OF, Post, Token, utc
from app.emulator.wire import Request, Response, empty_response, json_response

if TYPE_CHECKING:
    from app.emulator.core import Emulator

P = "linkedin"
ACCESS_TTL = 5184000
REFRESH_TTL = 31536000
MAX_COMMENTARY = 3000
REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")
table = RouteTable()


def li_error(status: int, message: str, **extra: Any) -> Response:
    return json_response(status, {"message": message, "status": status, **extra})


def token_error(problem: str) -> Response:
    if problem == "expired":
        return li_error(401, "The token used in the request has expired", serviceErrorCode=65602)
    if problem == "revoked":
        return li_error(
            401,
            "The token used in the request has been revoked by the user",
            serviceErrorCode=65601,
        )
    return li_error(401, "Invalid access token", serviceErrorCode=65600)


def _auth(emu: Emulator, req: Request) -> Token | Response:
    value = req.bearer()
    problem = oauth.token_problem(emu, P, value, ("access",))
    return token_error(problem) if problem else emu.state.tokens[value or ""]


def _version_problem(req: Request) -> Response | None:
    version = req.header("LinkedIn-Version")
    if not version:
        return json_response(
            400,
            {
                "status": 400,
                "code": "VERSION_MISSING",
                "message": "A version must be present. Please specify a version by adding the "
                "LinkedIn-Version header.",
            },
        )
    m = re.fullmatch(r"(\d{4})(\d{2})(?:\.\d{2})?", version.strip())
    if not m or int(m[1]) < 2022 or not 1 <= int(m[2]) <= 12:
        return json_response(
            426,
            {
                "status": 426,
                "code": "NONEXISTENT_VERSION",
                "message": f"Requested version {version} is not active",
            },
        )
    return None


def _rest(emu: Emulator, req: Request) -> Token | Response:
    return _version_problem(req) or _auth(emu, req)


def _oauth_error(description: str, error: str = "invalid_request") -> Response:
    return json_response(400, {"error": error, "error_description": description})


# ---------------------------------------------------------------------- OAuth
@table.add("GET", "/oauth/v2/authorization", "authorize")
def authorize(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    return oauth.authorize(emu, P, req)


@table.add("POST", "/oauth/v2/accessToken", "token")
def access_token(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    basic_id, basic_secret = oauth.basic_credentials(req)
    client_id = req.form.get("client_id") or basic_id
    secret = req.form.get("client_secret") or basic_secret
    if not client_id:
        return _oauth_error('A required parameter "client_id" is missing')
    grant = req.form.get("grant_type")
    now = emu.now_ts()
    if grant == "authorization_code":
        if not secret and not req.form.get("code_verifier"):
            return _oauth_error('A required parameter "client_secret" is missing')
        record = oauth.redeem_code(
            emu,
            P,
            code=req.form.get("code"),
            client_id=client_id,
            redirect_uri=req.form.get("redirect_uri") or "",
            verifier=req.form.get("code_verifier"),
        )
        if isinstance(record, str):
            return _oauth_error(
                "Unable to retrieve access token: appid/redirect uri/code verifier does not "
                "match authorization code. Or authorization code expired. Or external member "
                "binding exists",
                "invalid_grant" if "expired" in record else "invalid_request",
            )
        access = oauth.issue(emu, P, "access", record.user_id, client_id, ACCESS_TTL, tag="at")
        refresh = oauth.issue(emu, P, "refresh", record.user_id, client_id, REFRESH_TTL, tag="rt")
        access.scope = refresh.scope = record.scope
        body = {
            "access_token": access.value,
            "expires_in": ACCESS_TTL,
            "refresh_token": refresh.value,
            "refresh_token_expires_in": REFRESH_TTL,
            "scope": record.scope,
        }
        return json_response(200, body)
    if grant == "refresh_token":
        value = req.form.get("refresh_token")
        if not secret:
            return _oauth_error('A required parameter "client_secret" is missing')
        problem = oauth.token_problem(emu, P, value, ("refresh",))
        if problem or emu.state.tokens[value or ""].client_id != client_id:
            return _oauth_error(
                "The provided authorization grant or refresh token is invalid, expired or revoked",
                "invalid_grant",
            )
        old = emu.state.tokens[value or ""]
        access = oauth.issue(emu, P, "access", old.user_id, client_id, ACCESS_TTL, tag="at")
        access.scope = old.scope
        remaining = int((old.expires_at or now) - now)
        body = {
            "access_token": access.value,
            "expires_in": ACCESS_TTL,
            "refresh_token": old.value,
            "refresh_token_expires_in": remaining,
            "scope": old.scope,
        }
        return json_response(200, body)
    return _oauth_error("Unsupported grant_type", "unsupported_grant_type")


@table.add("GET", "/v2/userinfo", "account")
def userinfo(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = _auth(emu, req)
    if isinstance(tok, Response):
        return tok
    user = emu.state.find_user(P, user_id=tok.user_id)
    assert user is not None
    given, _, family = user.name.partition(" ")
    body = {
        "sub": user.id,
        "name": user.name,
        "given_name": given,
        "family_name": family,
        "locale": {"country": "US", "language": "en"},
        "email_verified": False,
    }
    return json_response(200, body)


# ---------------------------------------------------------------------- posts
@table.add("POST", "/rest/posts", "publish")
def create_post(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = _rest(emu, req)
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
    if author != member_urn and not re.fullmatch(r"urn:li:organization:\d+", author):
        return li_error(
            403,
            "Not enough permissions to access: partnerApiPostsExternal.CREATE",
            serviceErrorCode=100,
        )
    limit = emu.config.linkedin_posts_per_day
    q = emu.state.limits.daily_utc(f"li:posts:{tok.user_id}", limit, emu.now_ts())
    if not q.allowed:
        return li_error(
            429, "Resource level throttle MEMBER DAY limit for calls to this resource is reached."
        )
    urn = f"urn:li:share:{emu.state.new_id('li_share')}"
    content = body.get("content") or {}
    media = [
        v
        for v in (content.get("media", {}).get("id"), content.get("article", {}).get("source"))
        if v
    ]
    emu.state.add_post(
        Post(
            platform=P,
            account=tok.user_id if author == member_urn else author.rsplit(":", 1)[1],
            external_id=urn,
            text=commentary,
            created_at=emu.now_ts(),
            media=media,
            idempotency_key=req.header("Idempotency-Key"),
            extra={"author": author, "user_id": tok.user_id, "visibility": body["visibility"]},
        )
    )
    return empty_response(201, {"x-restli-id": urn})


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
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": []},
        "isReshareDisabledByAuthor": False,
    }


@table.add("GET", "/rest/posts", "lookup")
def find_posts(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = _rest(emu, req)
    if isinstance(tok, Response):
        return tok
    if req.query.get("q") != "author" or not req.query.get("author"):
        return li_error(400, "Finder q=author with an author parameter is required")
    author = req.query["author"]
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
    tok = _rest(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_post(emu, m["urn"])
    if post is None:
        return li_error(404, f"Post {m['urn']} not found")
    return json_response(200, _element(post))


@table.add("DELETE", r"/rest/posts/(?P<urn>urn:li:\w+:\d+)", "delete")
def delete_post(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = _rest(emu, req)
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
    return emu.model.metrics(PLATFORM_OF[P], post.external_id, utc(post.created_at), emu.now())


@table.add("GET", r"/rest/socialActions/(?P<urn>urn:li:\w+:\d+)", "metrics")
def social_actions(emu: Emulator, req: Request, m: re.Match[str]) -> Response:
    tok = _rest(emu, req)
    if isinstance(tok, Response):
        return tok
    post = _own_post(emu, m["urn"])
    if post is None:
        return li_error(404, f"Entity {m['urn']} not found")
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
    tok = _rest(emu, req)
    if isinstance(tok, Response):
        return tok
    org = req.query.get("organizationalEntity")
    if req.query.get("q") != "organizationalEntity" or not org:
        return li_error(400, "Finder q=organizationalEntity with organizationalEntity is required")
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
            return _oauth_error(
                "The provided authorization grant or refresh token is invalid, expired or revoked",
                "invalid_grant",
            )
        return token_error("expired")
    if kind == "duplicate":
        last = next((p.external_id for p in reversed(emu.state.posts) if p.platform == P), None)
        return li_error(422, f"Content is a duplicate of {last or 'urn:li:share:0'}")
    texts = {"500": "Internal Server Error", "502": "Bad Gateway", "503": "Service Unavailable"}
    status = kind if kind in texts else "500"
    return li_error(int(status), texts[status])


def not_found(req: Request) -> Response:
    return li_error(404, f"No virtual resource found for {req.path}")


API = PlatformAPI(
    key=P, prefix="linkedin", table=table, fault_response=fault_response, not_found=not_found
)
