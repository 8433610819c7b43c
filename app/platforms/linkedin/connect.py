"""Connecting LinkedIn: the member (OpenID Connect userinfo) and, when granted, the company
pages they administer (Community Management API); "post as a company page" asks for the
descriptor's extra scopes and explains a refusal."""

from __future__ import annotations

import logging
from typing import Any

from app.adapters.config import AdapterConfig
from app.adapters.http import as_dict, as_list, as_str
from app.adapters.oauth import CallbackResult, Flow, OAuthError, SignIn, required
from app.core.ports import (
    AppCredentials,
    ConnectedAccount,
    Credentials,
    PermanentError,
    PublishError,
)
from app.platforms.linkedin import LINKEDIN_VERSION, access
from app.platforms.linkedin.adapter import VERSION_INACTIVE, classify_linkedin, linkedin_credentials
from app.platforms.names import Platform

log = logging.getLogger(__name__)


def exchange(
    flow: Flow, app: AppCredentials, code: str, redirect_uri: str, verifier: str
) -> list[ConnectedAccount]:
    cfg = flow.config
    body = flow.http.request(
        "POST",
        f"{cfg.linkedin_web_base}/oauth/v2/accessToken",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app.client_id,
            "client_secret": app.client_secret or "",
            "code_verifier": verifier,
        },
    ).json_dict()
    creds = linkedin_credentials(body, flow.now())
    granted = access.parse_scopes(body.get("scope"))
    settings: dict[str, Any] = {}
    if granted is not None:
        settings[access.SCOPES_KEY] = access.scopes_setting(granted)
    auth = {"Authorization": f"Bearer {creds.access_token}"}
    info = flow.http.request(
        "GET", f"{cfg.linkedin_api_base}/v2/userinfo", headers=auth
    ).json_dict()
    sub = required(info, "sub")
    name = as_str(info.get("name")) or sub
    accounts = [
        ConnectedAccount(
            Platform.LINKEDIN, f"urn:li:person:{sub}", name, creds, {"kind": "person", **settings}
        )
    ]
    if flow.extra:
        if granted is not None and not {access.LI_ORG_ADMIN, access.LI_ORG_WRITE} <= granted:
            raise OAuthError(access.LINKEDIN_PAGES_NOT_GRANTED)
        accounts.extend(_linkedin_organizations(flow, creds, settings, required=True))
    elif granted is None or access.LI_ORG_ADMIN in granted:
        accounts.extend(_linkedin_organizations(flow, creds, settings, required=False))
    return accounts


def _linkedin_organizations(
    flow: Flow, creds: Credentials, settings: dict[str, Any], *, required: bool
) -> list[ConnectedAccount]:
    """Pages the member administers (GET /rest/organizationAcls?q=roleAssignee, which needs
    rw_organization_admin). `required`: the user asked for pages, so a refusal is explained."""
    cfg = flow.config
    try:
        try:
            body = _organization_acls(flow, creds, cfg.linkedin_version)
        except PermanentError as exc:
            if exc.code != VERSION_INACTIVE or cfg.linkedin_version == LINKEDIN_VERSION:
                raise
            log.warning(
                "LinkedIn refused API version %s; trying %s", cfg.linkedin_version, LINKEDIN_VERSION
            )
            body = _organization_acls(flow, creds, LINKEDIN_VERSION)
    except PublishError as exc:
        if required and exc.status == 403:
            raise OAuthError(access.LINKEDIN_PAGES_NOT_GRANTED) from None
        if required:
            raise
        return []  # not granted or not offered: the person account alone
    result = []
    for element in as_list(body.get("elements")):
        element = as_dict(element)
        urn = as_str(element.get("organization")) or as_str(element.get("organizationalTarget"))
        if urn and access.is_linkedin_page(urn):
            name = as_str(element.get("organizationName")) or urn.rsplit(":", 1)[-1]
            result.append(
                ConnectedAccount(
                    Platform.LINKEDIN, urn, name, creds, {"kind": "organization", **settings}
                )
            )
    return result


def _organization_acls(flow: Flow, creds: Credentials, version: str) -> dict[str, Any]:
    headers = {
        "Authorization": f"Bearer {creds.access_token}",
        "LinkedIn-Version": version,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    return flow.http.request(
        "GET",
        f"{flow.config.linkedin_api_base}/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        headers=headers,
    ).json_dict()


def _names_page_scope(result: CallbackResult) -> bool:
    """LinkedIn's authorize page refuses scopes the app lacks (unauthorized_scope_error)."""
    text = f"{result.error or ''} {result.error_description or ''}"
    return "scope" in text.lower() or any(s in text for s in access.LINKEDIN_PAGE_SCOPES)


def _refusal(result: CallbackResult) -> str | None:
    """The authorize page refused while the company-page scopes were asked for."""
    return access.LINKEDIN_PAGES_NOT_GRANTED if _names_page_scope(result) else None


def _authorize_page(config: AdapterConfig) -> str:
    return f"{config.linkedin_web_base}/oauth/v2/authorization"


SIGN_IN = SignIn(
    authorize_endpoint=_authorize_page,
    scope_separator=" ",
    classify=classify_linkedin,
    exchange=exchange,
    extra_refused=_refusal,
)
