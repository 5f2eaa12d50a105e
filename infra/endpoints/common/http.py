"""The two HTTP calls a handler makes on the caller's behalf, with the standard library only:
PUT of an image to a presigned URL (generator) and GET of an image by URL (scorer)."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from .errors import UpstreamError
from .validate import fail, require_string

ALLOWED_SCHEMES = ("https", "http")


def require_url(value, path: str) -> str:
    """An absolute http(s) URL (never file:, ftp: or a relative path: the handler fetches it)."""
    url = require_string(value, path, max_length=8192, allow_empty=False)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        raise fail(path, f"must be an absolute http(s) URL, got {url[:80]!r}")
    return url


def without_query(url: str) -> str:
    """The URL without its query and fragment: a presigned URL's signature must not be echoed back."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def http_put(url: str, body: bytes, content_type: str, timeout: float = 20.0) -> None:
    """PUT `body` to a presigned URL; any non-2xx answer or transport failure is a 502."""
    request = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise UpstreamError(f"PUT {without_query(url)} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise UpstreamError(f"PUT {without_query(url)} failed: {error}") from None
    if not 200 <= status < 300:
        raise UpstreamError(f"PUT {without_query(url)} answered HTTP {status}")


def http_get(url: str, max_bytes: int, timeout: float = 10.0) -> bytes:
    """GET an image; raises UpstreamError on a non-2xx answer, a transport failure or an oversized body."""
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise UpstreamError(f"GET {without_query(url)} answered HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise UpstreamError(f"GET {without_query(url)} failed: {error}") from None
    if len(body) > max_bytes:
        raise UpstreamError(f"GET {without_query(url)}: image is over {max_bytes} bytes")
    return body
