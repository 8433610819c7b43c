"""X's official OpenAPI document (tests/contract/openapi/, see SOURCES.md there) as a checker:
does a request match a spec path, method, query parameters and body schema; does a response
validate against the spec's schema for its path and status.

OpenAPI 3.0 schemas are JSON Schema (draft 4/7 family) with `$ref`s into the document; the
`referencing` registry resolves them against the whole document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from app.emulator.wire import parse_multipart

SPEC_PATH = Path(__file__).parent / "openapi" / "x-openapi-2.167.json"
SPEC_URI = "urn:x-openapi-2.167"
# Query parameters Herald sends under the name X's servers and docs use, which the spec
# renamed. Recorded traffic (tweepy cassettes) and docs.x.com use `tweet.fields`.
QUERY_ALIASES = {"tweet.fields": "post.fields"}


@cache
def spec() -> dict[str, Any]:
    return dict(json.loads(SPEC_PATH.read_text(encoding="utf-8")))


@cache
def registry() -> Registry:
    return Registry().with_resource(SPEC_URI, Resource.from_contents(spec(), DRAFT7))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"].removeprefix("#/")
        target: Any = spec()
        for part in ref.split("/"):
            target = target[part]
        node = target
    return node


def errors_for(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Every way `instance` breaks `schema` (with $refs into the spec), as readable lines."""
    validator = Draft7Validator(_rebase(schema), registry=registry())
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def _rebase(schema: Any) -> Any:
    """Point the document-relative `#/...` refs of a schema at the spec."""
    if isinstance(schema, dict):
        return {
            k: (SPEC_URI + v if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    op: dict[str, Any]


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        out.append((re.compile(f"^{pattern}$"), template))
    # literal paths before templated ones (/2/users/me before /2/users/{id})
    out.sort(key=lambda item: item[1].count("{"))
    return out


def operation(method: str, path: str) -> Operation | None:
    for pattern, template in _templates():
        if pattern.match(path):
            op = spec()["paths"][template].get(method.lower())
            if op is not None:
                return Operation(template, method.upper(), op)
    return None


def _parameters(op: Operation) -> dict[tuple[str, str], dict[str, Any]]:
    params = {}
    shared = spec()["paths"][op.template].get("parameters", [])
    for raw in [*shared, *op.op.get("parameters", [])]:
        p = _resolve(raw)
        params[(p["in"], p["name"])] = p
    return params


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    """A query or multipart text value as the type its schema names (form style, no explode)."""
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind == "array":
        return [_coerce(v, schema.get("items", {})) for v in value.split(",")]
    if kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def request_problems(request: httpx.Request, base: str) -> list[str]:
    """Why a request the adapter sent does not match X's OpenAPI (empty: it matches)."""
    path = request.url.path.removeprefix(base)
    op = operation(request.method, path)
    if op is None:
        return [f"{request.method} {path}: no such path and method in X's OpenAPI"]
    problems: list[str] = []
    params = _parameters(op)
    for name, value in request.url.params.multi_items():
        spec_name = QUERY_ALIASES.get(name, name)
        param = params.get(("query", spec_name))
        if param is None:
            problems.append(f"query parameter {name!r} is not in the spec for {op.template}")
            continue
        problems += [
            f"query {name}: {e}"
            for e in errors_for(_coerce(value, param["schema"]), param["schema"])
        ]
    for (where, name), param in params.items():
        if where == "query" and param.get("required") and name not in request.url.params:
            problems.append(f"required query parameter {name!r} is missing")
    body_spec = op.op.get("requestBody")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if not request.content:
        if body_spec and body_spec.get("required"):
            problems.append(f"{op.template} needs a request body")
        return problems
    if body_spec is None:
        return [*problems, f"{op.template} takes no request body"]
    media = _resolve(body_spec)["content"].get(content_type)
    if media is None:
        return [*problems, f"{op.template} does not take {content_type}"]
    schema = media["schema"]
    if content_type == "application/json":
        body = json.loads(request.content)
    else:
        body = _multipart_fields(request, schema)
    return problems + errors_for(body, schema)


def _multipart_fields(request: httpx.Request, schema: dict[str, Any]) -> dict[str, Any]:
    boundary = request.headers["content-type"].split("boundary=")[1].strip('"')
    form, files = parse_multipart(request.content, boundary)
    props = _resolve(schema).get("properties", {})
    fields: dict[str, Any] = {k: _coerce(v, props.get(k, {})) for k, v in form.items()}
    for name in files:
        fields[name] = "<binary>"  # format: binary; the bytes themselves are not JSON
    return fields


def response_problems(method: str, path: str, response: httpx.Response) -> list[str]:
    """Why an answer does not validate against the spec's schema for its path and status."""
    op = operation(method, path)
    if op is None:
        return [f"{method} {path}: no such path and method in X's OpenAPI"]
    responses = op.op["responses"]
    declared = responses.get(str(response.status_code)) or responses.get("default")
    if declared is None:
        return [f"{op.template} declares no {response.status_code} answer"]
    content = _resolve(declared).get("content")
    if not content:
        return [] if not response.content else [f"{op.template} declares no body"]
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    media = content.get(content_type)
    if media is None:
        return [f"{op.template} {response.status_code} is not declared as {content_type}"]
    return errors_for(response.json(), media["schema"])
