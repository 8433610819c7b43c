"""Request/response values of the emulator and the small parsers they need (stdlib only).

A `Request` is what a route handler sees: method, the path *after* the platform prefix,
query, headers and the raw body, with lazily parsed form / JSON / multipart views. Graph-style
parameters may come in the query string or in the body, so `param()` looks in both.

A `Response` is what a handler returns. Besides status, headers and body it can ask the
transport to misbehave: `drop` closes the connection without writing anything (the "lost"
fault) and `truncate` sends the full Content-Length but only part of the body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class UploadedFile:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Request:
    method: str
    path: str  # after the platform prefix, URL-decoded, without the query string
    query: dict[str, str]
    headers: Message
    body: bytes = b""
    raw_path: str = ""
    _form: dict[str, str] | None = field(default=None, repr=False)
    _files: dict[str, UploadedFile] | None = field(default=None, repr=False)
    _json: Any = field(default=None, repr=False)
    _json_parsed: bool = field(default=False, repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def form(self) -> dict[str, str]:
        if self._form is None:
            self._parse_body_params()
        assert self._form is not None
        return self._form

    @property
    def files(self) -> dict[str, UploadedFile]:
        if self._files is None:
            self._parse_body_params()
        assert self._files is not None
        return self._files

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON (or not valid JSON)."""
        if not self._json_parsed:
            self._json_parsed = True
            if self.body and (self.content_type.endswith("json") or self.body[:1] in b"{["):
                try:
                    self._json = json.loads(self.body)
                except (ValueError, UnicodeDecodeError):
                    self._json = None
        return self._json

    def param(self, name: str) -> str | None:
        """A parameter from the query string, else the form body, else a JSON object body."""
        if name in self.query:
            return self.query[name]
        if name in self.form:
            return self.form[name]
        body = self.json()
        if isinstance(body, dict) and name in body:
            value = body[name]
            if isinstance(value, (dict, list)):
                return json.dumps(value)
            return None if value is None else str(value)
        return None

    def bearer(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None

    def _parse_body_params(self) -> None:
        self._form, self._files = {}, {}
        ctype = self.content_type
        if ctype == "application/x-www-form-urlencoded":
            self._form = parse_form(self.body)
        elif ctype == "multipart/form-data":
            boundary = _content_type_param(self.headers.get("Content-Type") or "", "boundary")
            if boundary:
                self._form, self._files = parse_multipart(self.body, boundary)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = JSON_TYPE
    drop: bool = False  # close the connection without sending anything
    truncate: bool = False  # announce the full length, send half, close

    def with_header(self, name: str, value: str | int) -> Response:
        self.headers.append((name, str(value)))
        return self


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status=status, body=body, headers=list((headers or {}).items()))


def empty_response(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status=status, body=b"", headers=list((headers or {}).items()), content_type=None
    )


def redirect(location: str) -> Response:
    return Response(status=302, headers=[("Location", location)], content_type=None)


def text_response(status: int, text: str) -> Response:
    return Response(status=status, body=text.encode(), content_type="text/plain; charset=utf-8")


def add_query(url: str, params: dict[str, str]) -> str:
    sep = "&" if "?" in url else "?"
    return url + sep + urlencode(params, quote_via=quote)


def parse_form(body: bytes) -> dict[str, str]:
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return {}
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


def parse_query(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def _content_type_param(header: str, name: str) -> str | None:
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == name:
            return value.strip().strip('"')
    return None


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """A minimal multipart/form-data reader: enough for httpx's and requests' encoders."""
    form: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    delimiter = b"--" + boundary.encode()
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        data = data.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _content_type_param(disposition, "name")
        if name is None:
            continue
        filename = _content_type_param(disposition, "filename")
        if filename is not None or "content-type" in headers:
            files[name] = UploadedFile(name, filename, headers.get("content-type"), data)
        else:
            form[name] = data.decode("utf-8", "replace")
    return form, files
