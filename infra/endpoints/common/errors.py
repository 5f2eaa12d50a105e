"""Errors a handler answers with an HTTP status of its own choosing.

SageMaker turns any non-2xx answer of the container into a `ModelError` (HTTP 424 to the caller)
carrying the container's status as `OriginalStatusCode`; diffalign's adapters read a 4xx original as
the caller's fault and a 5xx as the endpoint's (DESIGN.md, "Contracts with inference endpoints").
So: anything wrong with the request is a 4xx `HandlerError`, anything else a 5xx.
"""

from __future__ import annotations


class HandlerError(Exception):
    """An error with the HTTP status and a short machine-readable type the handler answers with."""

    status = 500
    type = "internal_error"

    def __init__(self, message: str, status: int | None = None, type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        if type is not None:
            self.type = type

    @property
    def is_client_error(self) -> bool:
        return 400 <= self.status < 500

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}({self.status}, {self.message!r})"


class ValidationError(HandlerError):
    """The request does not follow the contract (400)."""

    status = 400
    type = "validation_error"


class UnsupportedMediaType(HandlerError):
    """The request body is not JSON (415)."""

    status = 415
    type = "unsupported_media_type"


class NotAcceptable(HandlerError):
    """The caller asked for a response type other than JSON (406)."""

    status = 406
    type = "not_acceptable"


class PayloadTooLarge(HandlerError):
    """The request, or the response it would produce, is over a size limit (413)."""

    status = 413
    type = "payload_too_large"


class UpstreamError(HandlerError):
    """Something the handler talks to on the caller's behalf failed (a presigned PUT) (502)."""

    status = 502
    type = "upstream_error"


class ModelLoadError(HandlerError):
    """A model could not be loaded (500)."""

    status = 500
    type = "model_load_error"


class InternalError(HandlerError):
    """Anything else: a bug, the GPU running out of memory, a pipeline failure (500)."""

    status = 500
    type = "internal_error"


def as_handler_error(error: BaseException) -> HandlerError:
    """`error` if it already is a HandlerError, else a 500 that names the exception's class."""
    if isinstance(error, HandlerError):
        return error
    return InternalError(f"{type(error).__name__}: {error}")
