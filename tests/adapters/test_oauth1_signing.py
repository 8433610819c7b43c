"""OAuth 1.0a HMAC-SHA1 through authlib reproduces RFC 5849 §1.2 and X's published examples."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
import pytest
from authlib.oauth1.rfc5849.signature import generate_signature_base_string
from authlib.oauth1.rfc5849.wrapper import OAuth1Request

from app.adapters.oauth1 import OAuth1, Signer

RFC_KEY, RFC_SECRET = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"


def _signature(header: str) -> str:
    match = re.search(r'oauth_signature="([^"]+)"', header)
    assert match, header
    return unquote(match.group(1))


def test_rfc5849_temporary_credentials():
    signer = Signer(
        RFC_KEY,
        RFC_SECRET,
        redirect_uri="http://printer.example.com/ready",
        realm="Photos",
        nonce="wIjqoS",
        timestamp="137131200",
        include_version=False,
    )
    header = signer.authorization("POST", "https://photos.example.net/initiate")
    assert _signature(header) == "74KNZJeDHnMBp0EMJ9ZHt/XKycU="
    assert 'realm="Photos"' in header


def test_rfc5849_token_credentials():
    signer = Signer(
        RFC_KEY,
        RFC_SECRET,
        "hh5s93j4hdidpola",
        "hdhd0244k9j7ao03",
        verifier="hfdp7dh39dks9884",
        nonce="walatlh",
        timestamp="137131201",
        include_version=False,
    )
    assert _signature(signer.authorization("POST", "https://photos.example.net/token")) == (
        "gKgrFCywp7rO0OXSjdot/IHF7IU="
    )


def test_rfc5849_protected_resource(monkeypatch):
    # The RFC's example uses plain http, which authlib refuses unless told otherwise.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    signer = Signer(
        RFC_KEY,
        RFC_SECRET,
        "nnch734d00sl2jdk",
        "pfkkdhi9sl3r4s00",
        nonce="chapoH",
        timestamp="137131202",
        include_version=False,
    )
    url = "http://photos.example.net/photos?file=vacation.jpg&size=original"
    assert _signature(signer.authorization("GET", url)) == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


X_STATUS = "Hello Ladies + Gentlemen, a signed OAuth request!"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk="),
        ("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="),
    ],
)
def test_x_creating_a_signature_example(host, expected):
    signer = Signer(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        timestamp="1318622958",
    )
    request = httpx.Request(
        "POST",
        f"https://{host}/1.1/statuses/update.json",
        params={"include_entities": "true"},
        data={"status": X_STATUS},
    )
    header = signer.authorization(
        "POST", str(request.url), request.headers["Content-Type"], request.read()
    )
    assert _signature(header) == expected


def test_x_base_string_prefix():
    header = (
        'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", '
        'oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", '
        'oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", '
        'oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"'
    )
    request = OAuth1Request(
        "POST",
        "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        body="status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21",
        headers={"Authorization": header, "Content-Type": "application/x-www-form-urlencoded"},
    )
    base = generate_signature_base_string(request)
    assert base.startswith(
        "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue"
        "%26oauth_consumer_key%3D"
    )
    assert base.endswith(
        "%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth"
        "%2520request%2521"
    )


def test_httpx_auth_keeps_multipart_body_and_signs_query_only():
    auth = OAuth1("ck", "cs", "tok", "ts")
    request = httpx.Request(
        "POST",
        "https://api.x.com/2/media/upload",
        files={"media": ("a.jpg", b"\xff\xd8data", "image/jpeg")},
        data={"media_category": "tweet_image"},
    )
    original = request.read()
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    assert signed.content == original
    assert signed.headers["Authorization"].startswith("OAuth ")
    assert "oauth_body_hash" not in signed.headers["Authorization"]
