"""Reading a handler's positive numeric limits from its environment (container env vars)."""

from __future__ import annotations

from typing import Callable, Mapping, TypeVar

Number = TypeVar("Number", int, float)


def positive_env(env: Mapping[str, str], name: str, default: Number, kind: Callable[[str], Number]) -> Number:
    """`env[name]` parsed with `kind` (int or float), or `default` when unset or blank; must be > 0."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a {getattr(kind, '__name__', 'number')}") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be positive")
    return value
