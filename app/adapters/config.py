"""Where the adapters talk to and how long they wait: endpoints, API versions, timeouts.

The same adapters talk to the real platforms or to the emulator; only this object differs.
The emulator serves every platform on one server, one prefix per platform, with each real
path after the prefix (``{emu}/x/2/tweets`` is ``https://api.x.com/2/tweets``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from app import platforms
from app.platforms import facebook, instagram, linkedin, twitter
from app.platforms.names import Platform

# Ports, scopes: each network's descriptor (app/platforms/<network>/) holds them.
DEFAULT_REDIRECT_PORTS: Mapping[Platform, int] = MappingProxyType(
    {platform: platforms.get(platform).auth.redirect_port for platform in Platform}
)

# Meta advises polling a container about once a minute for at most five minutes; images are
# usually ready at once, so start fast and back off. Total ~5 min, bounded.
DEFAULT_IG_POLL_DELAYS: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 60.0, 60.0, 60.0)


@dataclass(frozen=True)
class AdapterConfig:
    # X: the API host and the web host (authorize page).
    x_api_base: str = "https://api.x.com"
    x_web_base: str = "https://x.com"
    # Instagram (Instagram Login): authorize page, token endpoint, Graph host.
    instagram_web_base: str = "https://www.instagram.com"
    instagram_api_base: str = "https://api.instagram.com"
    instagram_graph_base: str = "https://graph.instagram.com"
    # LinkedIn: the OAuth host and the API host.
    linkedin_web_base: str = "https://www.linkedin.com"
    linkedin_api_base: str = "https://api.linkedin.com"
    # Facebook: the dialog host and the Graph host.
    facebook_web_base: str = "https://www.facebook.com"
    facebook_graph_base: str = "https://graph.facebook.com"

    graph_version: str = "v25.0"
    instagram_graph_version: str = "v25.0"
    # The "linkedin.api_version" setting; a refused one steps to the linkedin package's
    # API_VERSION.
    linkedin_version: str = linkedin.API_VERSION

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    write_timeout: float = 20.0
    pool_timeout: float = 5.0
    # Media uploads can be large; reads of their response may take longer than an API call.
    upload_read_timeout: float = 120.0

    ig_poll_delays: tuple[float, ...] = DEFAULT_IG_POLL_DELAYS

    redirect_host: str = "127.0.0.1"
    redirect_path: str = "/callback"
    redirect_ports: Mapping[Platform, int] = field(default_factory=lambda: DEFAULT_REDIRECT_PORTS)

    #: scopes asked for instead of a network's descriptor's (the emulator's LinkedIn app is
    #: approved for more); keyed by Platform value
    scope_overrides: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: base URLs by Platform value, for networks whose adapter reads them here rather than
    #: from a field of their own (a newly added network); see `endpoint`
    endpoints: Mapping[str, str] = field(default_factory=dict)

    user_agent: str = "Herald/0.1 (desktop scheduler)"
    #: True when talking to the local emulator (plain http on loopback is then expected).
    emulator: bool = False

    # ------------------------------------------------------------ constructors

    @classmethod
    def real(cls, **overrides: object) -> AdapterConfig:
        return cls(**overrides)  # type: ignore[arg-type]

    @classmethod
    def for_emulator(cls, base_url: str, **overrides: object) -> AdapterConfig:
        emu = base_url.rstrip("/")
        cfg = cls(
            x_api_base=f"{emu}/x",
            x_web_base=f"{emu}/x",
            instagram_web_base=f"{emu}/instagram",
            instagram_api_base=f"{emu}/instagram",
            instagram_graph_base=f"{emu}/instagram",
            linkedin_web_base=f"{emu}/linkedin",
            linkedin_api_base=f"{emu}/linkedin",
            facebook_web_base=f"{emu}/facebook",
            facebook_graph_base=f"{emu}/facebook",
            # A network added since (its adapter reads `endpoint`): the emulator serves it
            # under its lower-case name (/bluesky).
            # Threads' web host (its OAuth pages) is served there too.
            endpoints={
                **{
                    d.name: f"{emu}/{d.name.lower()}"
                    for d in platforms.all_platforms()
                    if d.name not in ("TWITTER", "INSTAGRAM", "LINKEDIN", "FACEBOOK")
                },
                "THREADS_WEB": f"{emu}/threads",
            },
            # The emulator's developer app is approved for LinkedIn's member read permission.
            scope_overrides={
                linkedin.DESCRIPTOR.name: (*linkedin.DESCRIPTOR.auth.scopes, "r_member_social")
            },
            emulator=True,
        )
        return replace(cfg, **overrides) if overrides else cfg  # type: ignore[arg-type]

    # ------------------------------------------------------------ derived values

    def scopes(self, platform: Platform | str) -> tuple[str, ...]:
        """The scopes a sign-in asks for: the network's descriptor's, unless overridden."""
        override = self.scope_overrides.get(str(platform))
        return override if override is not None else platforms.get(platform).auth.scopes

    def endpoint(self, platform: Platform | str, default: str) -> str:
        """A network's base URL: `endpoints[platform]` when set, else its real `default`."""
        return self.endpoints.get(str(platform), default).rstrip("/")

    # The four built-in networks' scopes under their historical names (tests, docs).
    # r_member_social (reading LinkedIn member posts and their statistics) is restricted:
    # asking for it without LinkedIn's approval fails the whole sign-in, so Herald does not.

    @property
    def x_scopes(self) -> tuple[str, ...]:
        return self.scopes(twitter.DESCRIPTOR.name)

    @property
    def instagram_scopes(self) -> tuple[str, ...]:
        return self.scopes(instagram.DESCRIPTOR.name)

    @property
    def linkedin_scopes(self) -> tuple[str, ...]:
        return self.scopes(linkedin.DESCRIPTOR.name)

    @property
    def linkedin_page_scopes(self) -> tuple[str, ...]:
        """Added when the user chooses "post as a company page" (Community Management API)."""
        return linkedin.DESCRIPTOR.auth.extra_scopes

    @property
    def facebook_scopes(self) -> tuple[str, ...]:
        return self.scopes(facebook.DESCRIPTOR.name)

    def redirect_port(self, platform: Platform) -> int:
        """The loopback port of the registered redirect URI: the configured one, else the
        descriptor's (a network registered after this config was made has only that)."""
        port = self.redirect_ports.get(platform)
        if port is None:
            port = platforms.get(platform).auth.redirect_port
        return int(port)

    def redirect_uri(self, platform: Platform, port: int | None = None) -> str:
        actual = self.redirect_port(platform) if port is None else port
        return f"http://{self.redirect_host}:{actual}{self.redirect_path}"

    def graph(self, path: str) -> str:
        """A Facebook Graph URL for a path like "/me/accounts"."""
        return f"{self.facebook_graph_base}/{self.graph_version}{path}"

    def ig_graph(self, path: str) -> str:
        return f"{self.instagram_graph_base}/{self.instagram_graph_version}{path}"
