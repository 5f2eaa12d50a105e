"""Small validators for decoded JSON that name the offending field (`items[2].noise.terms[0].seed`).

JSON numbers arrive as int or float; a JavaScript sender cannot tell 3 from 3.0, so an integral float
is accepted where an integer is expected (as zod's `.int()` does). Booleans are never numbers.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from .errors import ValidationError


def fail(path: str, message: str) -> ValidationError:
    return ValidationError(f"{path}: {message}" if path else message)


def require_object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, f"must be an object, got {json_type(value)}")
    return value


def require_list(value: Any, path: str, min_items: int = 0, max_items: int | None = None) -> list:
    if not isinstance(value, list):
        raise fail(path, f"must be an array, got {json_type(value)}")
    if len(value) < min_items:
        raise fail(path, f"must have at least {min_items} item{'s' if min_items != 1 else ''}")
    if max_items is not None and len(value) > max_items:
        raise fail(path, f"must have at most {max_items} items, got {len(value)}")
    return value


def require_string(value: Any, path: str, max_length: int | None = None, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise fail(path, f"must be a string, got {json_type(value)}")
    if not allow_empty and value == "":
        raise fail(path, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise fail(path, f"must be at most {max_length} characters, got {len(value)}")
    return value


def optional_string(container: Mapping[str, Any], key: str, path: str, max_length: int | None = None) -> str | None:
    value = container.get(key)
    if value is None:
        return None
    return require_string(value, path, max_length=max_length)


def require_number(value: Any, path: str, minimum: float | None = None, maximum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, f"must be a number, got {json_type(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise fail(path, "must be a finite number")
    if minimum is not None and number < minimum:
        raise fail(path, f"must be >= {minimum:g}, got {number:g}")
    if maximum is not None and number > maximum:
        raise fail(path, f"must be <= {maximum:g}, got {number:g}")
    return number


def require_int(value: Any, path: str, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(path, f"must be an integer, got {json_type(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or value != math.floor(value):
            raise fail(path, f"must be an integer, got {value!r}")
        value = int(value)
    if minimum is not None and value < minimum:
        raise fail(path, f"must be an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise fail(path, f"must be an integer <= {maximum}, got {value}")
    return value


def require_literal(value: Any, path: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(option) for option in allowed)
        raise fail(path, f"must be one of {shown}, got {value!r}")
    return value


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
