"""`Platform`: the name of a registered network, as a `str`.

Once a closed enum; now any network added with `app.platforms.register()` is a Platform, so a
new network needs no edit here. It keeps the enum's manners that the code relies on:

    Platform.TWITTER                 # a registered name, looked up through the registry
    Platform("TWITTER")              # validated: ValueError for an unregistered name
    Platform.TWITTER.label           # the descriptor's display_name ("X")
    list(Platform)                   # the registered networks, in registration order
    Platform.TWITTER == "TWITTER"    # equality and hash are the string's
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar

from app.platforms import registry

if TYPE_CHECKING:
    from app.platforms.descriptor import PlatformDescriptor


class _PlatformType(type):
    """The class-level behaviour an enum had: attribute lookup, iteration, membership."""

    # One instance per name, so `is` comparisons keep working like enum members did.
    _interned: dict[str, Platform]

    def __getattr__(cls, name: str) -> Platform:
        # Only reached when normal lookup fails: the first `Platform.TWITTER`. The member is
        # then set on the class, so later lookups are plain attribute reads (an unregistered
        # network's attribute is removed again, see _forget).
        if registry.is_registered(name):
            member = cls._intern(name)
            setattr(cls, name, member)
            return member
        raise AttributeError(f"{cls.__name__} has no registered network {name!r}")

    def __getitem__(cls, name: str) -> Platform:
        """`Platform["TWITTER"]`, KeyError for an unknown name (as an enum's lookup by name)."""
        if registry.is_registered(name):
            return cls._intern(name)
        raise KeyError(name)

    def __iter__(cls) -> Iterator[Platform]:
        return iter([cls._intern(d.name) for d in registry.all_platforms()])

    def __len__(cls) -> int:
        return len(registry.all_platforms())

    def __contains__(cls, value: object) -> bool:
        return isinstance(value, str) and registry.is_registered(value)

    @property
    def __members__(cls) -> Mapping[str, Platform]:
        return {d.name: cls._intern(d.name) for d in registry.all_platforms()}

    def _intern(cls, name: str) -> Platform:
        member = cls._interned.get(name)
        if member is None:
            member = cls._interned[name] = str.__new__(cls, name)  # type: ignore[arg-type]
        return member


class Platform(str, metaclass=_PlatformType):
    """A registered network's name ("TWITTER"); `Platform(x)` refuses an unregistered one."""

    __slots__ = ()
    _interned: ClassVar[dict[str, Platform]] = {}

    def __new__(cls, value: object) -> Platform:
        if isinstance(value, Platform):
            return value
        if isinstance(value, str) and registry.is_registered(value):
            return type(cls)._intern(cls, value)
        raise ValueError(f"{value!r} is not a valid Platform")

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def name(self) -> str:
        return str.__str__(self)

    @property
    def descriptor(self) -> PlatformDescriptor:
        return registry.get(self)

    @property
    def label(self) -> str:
        """What people call the network ("X"): the descriptor's display name."""
        return registry.get(self).display_name

    @classmethod
    def parse(cls, text: str) -> Platform:
        """What a person types: a network's name or display name, any case ("twitter", "X",
        "LinkedIn"), or both as "X/TWITTER". ValueError naming the choices otherwise."""
        key = text.strip().upper()
        for descriptor in registry.all_platforms():
            names = {descriptor.name, descriptor.display_name.upper()}
            names.add(f"{descriptor.display_name.upper()}/{descriptor.name}")
            if key in names:
                return cls(descriptor.name)
        known = ", ".join(
            d.name if d.display_name.upper() == d.name else f"{d.name} (or {d.display_name})"
            for d in registry.all_platforms()
        )
        raise ValueError(f"unknown platform {text!r}; expected one of {known}")

    def __repr__(self) -> str:
        return f"<Platform.{self.value}>"

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> tuple[type[Platform], tuple[str]]:
        return (Platform, (self.value,))


def _forget(name: str) -> None:
    if name in vars(Platform):
        delattr(Platform, name)


registry._ON_UNREGISTER.append(_forget)


class _Labels(Mapping[str, str]):
    """Platform -> display name, read from the registry at each lookup."""

    def __getitem__(self, key: str) -> str:
        try:
            return registry.get(key).display_name
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(Platform)

    def __len__(self) -> int:
        return len(Platform)


PLATFORM_LABELS: Mapping[str, str] = _Labels()
