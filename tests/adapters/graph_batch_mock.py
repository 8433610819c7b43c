"""Graph batch requests over respx mocks: a POST to the Graph root whose `batch` requests are
each answered by the test's own mocked GET routes, in order, as
developers.facebook.com/docs/graph-api/batch-requests describes ({code, headers, body})."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import respx


def serve_batch(mock: respx.MockRouter, root: str) -> respx.Route:
    """Answer POST {root}/ (a batch) from the routes already mocked under `root`."""

    def handler(request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        items = json.loads(form["batch"][0])
        assert len(items) <= 50, "Graph takes at most 50 requests in a batch"
        answers = []
        with httpx.Client() as client:
            for item in items:
                reply = client.request(
                    item["method"],
                    f"{root}/{item['relative_url']}",
                    headers={"Authorization": request.headers.get("Authorization", "")},
                )
                answers.append({"code": reply.status_code, "headers": [], "body": reply.text})
        return httpx.Response(200, json=answers)

    return mock.post(f"{root}/").mock(side_effect=handler)
