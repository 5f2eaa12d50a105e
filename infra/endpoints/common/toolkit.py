"""Glue between diffalign's handlers and the SageMaker Hugging Face inference toolkit.

How the toolkit calls a user module (aws/sagemaker-huggingface-inference-toolkit,
`handler_service.py`): at start-up `model_fn(model_dir[, context])`; per request
`input_fn(input_data, content_type[, context])` → `predict_fn(data, model[, context])` →
`output_fn(prediction, accept[, context])`, passing `context` only to functions that declare it.
Its `handle()` wraps *every* exception of those functions in `PredictionException(str(e), 400)`, so a
raised exception always reaches the caller as status 400, whatever went wrong.

To answer 5xx for the endpoint's own failures, the handlers never raise out of the hooks when they
have the model server's context: `input_fn` and `predict_fn` turn failures into a `HandlerError`
value that flows on to `output_fn`, which sets the status with the model server's
`context.set_response_status(code, phrase)` (multi-model-server `mms/context.py`; its
`create_predict_response` sends the per-request status that call set) and returns a JSON error body
`{"version", "code", "type", "message"}` (the model server's own error shape, plus the version). Without a context (an older toolkit that does
not pass one) `output_fn` re-raises, and the toolkit's 400 is the best available.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import HandlerError, NotAcceptable, PayloadTooLarge, UnsupportedMediaType, ValidationError, as_handler_error

JSON = "application/json"
_JSON_ACCEPTS = {"", "*/*", "application/*", JSON}


def media_type(header: str | None) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return (header or "").split(";", 1)[0].strip().lower()


def decode_json_body(input_data: Any, content_type: str | None, max_bytes: int | None = None) -> Any:
    """The request body as JSON (the toolkit hands JSON bodies over as str, others as bytes)."""
    kind = media_type(content_type)
    if kind not in ("", JSON) and not kind.endswith("+json"):
        raise UnsupportedMediaType(f"content type must be {JSON}, got {content_type!r}")
    if isinstance(input_data, dict):
        return input_data
    if isinstance(input_data, (bytes, bytearray, memoryview)):
        raw = bytes(input_data)
        if max_bytes is not None and len(raw) > max_bytes:
            raise PayloadTooLarge(f"request body is {len(raw)} bytes, over the limit of {max_bytes}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(f"request body is not UTF-8: {error}") from None
    elif isinstance(input_data, str):
        text = input_data
    else:
        raise ValidationError(f"request body has an unexpected type {type(input_data).__name__}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"request body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None


def check_accept(accept: str | None) -> None:
    kinds = [media_type(part) for part in (accept or "").split(",")]
    if not any(kind in _JSON_ACCEPTS or kind.endswith("+json") for kind in kinds):
        raise NotAcceptable(f"this endpoint answers {JSON} only, not {accept!r}")


def error_body(version: str, error: HandlerError) -> str:
    """The multi-model server's error shape (`{"code", "type", "message"}`), plus the contract version."""
    return json.dumps({"version": version, "code": error.status, "type": error.type, "message": error.message})


def render(version: str, prediction: Any, accept: str | None, context: Any = None) -> str:
    """The `output_fn` of both handlers: a response dict as JSON, or an error with its own status."""
    if not isinstance(prediction, HandlerError):
        try:
            check_accept(accept)
            return json.dumps(prediction, separators=(",", ":"), allow_nan=False)
        except Exception as error:  # noqa: BLE001 - becomes a status below
            prediction = as_handler_error(error)
    error = prediction
    if context is not None and hasattr(context, "set_response_status"):
        context.set_response_status(error.status, error.type)
        return error_body(version, error)
    raise error


def capture(function, *args, **kwargs) -> Any:
    """`function(*args)`, or the HandlerError it failed with (a bare exception becomes a 500)."""
    try:
        return function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - answered with a status by `render`
        return as_handler_error(error)
