"""generator-v1 request parsing and its validation errors."""

from __future__ import annotations

import pytest

import generator_core as core
from common.errors import ValidationError
from helpers import item, request


def parse(body, **limits):
    return core.parse_request(body, core.GeneratorLimits(**limits))


def test_a_minimal_request_parses_with_defaults():
    parsed = parse(request({"prompt": "a cat", "noise": {"terms": [{"seed": 3, "weight": 1}]}, "steps": 20, "guidance": 7.5, "width": 512, "height": 768}))
    (only,) = parsed.items
    assert only.prompt == "a cat"
    assert only.negative_prompt is None
    assert only.format == "png"
    assert only.put_url is None
    assert (only.steps, only.guidance, only.width, only.height) == (20, 7.5, 512, 768)
    assert only.noise.terms[0].seed == 3 and only.noise.terms[0].weight == 1.0


def test_every_field_of_an_item_is_read():
    parsed = parse(
        request(
            item(
                prompt="a dog",
                negative_prompt="blurry",
                noise={"terms": [{"seed": 4294967295, "weight": 0.6}, {"seed": 0, "weight": -0.8}]},
                output={"put_url": "https://bucket.s3.amazonaws.com/k.png?X-Amz-Signature=abc"},
            )
        )
    )
    (only,) = parsed.items
    assert only.negative_prompt == "blurry"
    assert only.noise.seeds == (4294967295, 0)
    assert only.put_url.endswith("X-Amz-Signature=abc")


def test_integral_floats_are_integers_as_in_javascript():
    (only,) = parse(request(item(steps=20.0, width=512.0, noise={"terms": [{"seed": 7.0, "weight": 1}]}))).items
    assert only.steps == 20 and isinstance(only.steps, int)
    assert only.noise.terms[0].seed == 7 and isinstance(only.noise.terms[0].seed, int)


def test_a_null_negative_prompt_or_output_means_none():
    (only,) = parse(request(item(negative_prompt=None, output=None))).items
    assert only.negative_prompt is None and only.put_url is None


@pytest.mark.parametrize(
    "body, message",
    [
        ([], "must be an object"),
        ({"items": [item()]}, "version: this endpoint speaks 'generator-v1' and 'generator-v2', got None"),
        ({"version": "generator-v3", "items": [item()]}, "got 'generator-v3'"),
        ({"version": "generator-v1"}, "items: must be an array, got null"),
        ({"version": "generator-v1", "items": []}, "items: must have at least 1 item"),
        (request("a cat"), r"items\[0\]: must be an object, got string"),
        (request({**item(), "prompt": 3}), r"items\[0\].prompt: must be a string, got number"),
        (request(item(negative_prompt=["x"])), r"items\[0\].negative_prompt: must be a string, got array"),
        (request(item(steps=0)), r"items\[0\].steps: must be an integer >= 1, got 0"),
        (request(item(steps=2.5)), r"items\[0\].steps: must be an integer, got 2.5"),
        (request(item(steps=True)), r"items\[0\].steps: must be an integer, got boolean"),
        (request(item(steps=201)), r"items\[0\].steps: must be an integer <= 200"),
        (request(item(guidance=-1)), r"items\[0\].guidance: must be >= 0"),
        (request(item(guidance="5")), r"items\[0\].guidance: must be a number, got string"),
        (request(item(width=100)), r"items\[0\].width: must be a multiple of 8, got 100"),
        (request(item(height=32)), r"items\[0\].height: must be an integer >= 64"),
        (request(item(width=4096)), r"items\[0\].width: must be an integer <= 2048"),
        (request(item(format="jpeg")), r"items\[0\].format: must be one of 'png', got 'jpeg'"),
        (request(item(noise=None)), r"items\[0\].noise: must be an object, got null"),
        (request(item(noise={"terms": []})), r"items\[0\].noise.terms: must have at least 1 item"),
        (request(item(noise={"terms": [{"seed": 1, "weight": 1}] * 65})), r"items\[0\].noise.terms: must have at most 64 items"),
        (request(item(noise={"terms": [{"seed": -1, "weight": 1}]})), r"noise.terms\[0\].seed: must be an integer >= 0"),
        (request(item(noise={"terms": [{"seed": 2**32, "weight": 1}]})), r"noise.terms\[0\].seed: must be an integer <= 4294967295"),
        (request(item(noise={"terms": [{"seed": 1}]})), r"noise.terms\[0\].weight: must be a number, got null"),
        (request(item(noise={"terms": [{"seed": 1, "weight": 0}]})), r"items\[0\].noise: a noise recipe needs at least one non-zero weight"),
        (request(item(output={})), r"items\[0\].output.put_url: must be a string, got null"),
        (request(item(output={"put_url": "file:///etc/passwd"})), r"items\[0\].output.put_url: must be an absolute http\(s\) URL"),
        (request(item(output={"put_url": "/relative.png"})), r"must be an absolute http\(s\) URL"),
    ],
)
def test_invalid_requests_name_the_field(body, message):
    with pytest.raises(ValidationError, match=message) as caught:
        parse(body)
    assert caught.value.status == 400


def test_the_second_bad_item_is_named_by_its_index():
    with pytest.raises(ValidationError, match=r"items\[1\].steps"):
        parse(request(item(), item(steps=-3)))


def test_limits_come_from_the_environment():
    limits = core.GeneratorLimits.from_env({"DIFFALIGN_MAX_BATCH_SIZE": "2", "DIFFALIGN_MAX_ITEMS": "3", "DIFFALIGN_MAX_SIDE": "1024"})
    assert (limits.max_batch_size, limits.max_items, limits.max_side) == (2, 3, 1024)
    with pytest.raises(ValidationError, match="at most 3 items"):
        core.parse_request(request(item(), item(), item(), item()), limits)
    with pytest.raises(ValueError, match="DIFFALIGN_MAX_BATCH_SIZE"):
        core.GeneratorLimits.from_env({"DIFFALIGN_MAX_BATCH_SIZE": "many"})
    with pytest.raises(ValueError, match="must be positive"):
        core.GeneratorLimits.from_env({"DIFFALIGN_MAX_BATCH_SIZE": "0"})


@pytest.mark.parametrize(
    "steps, guidance, timesteps, expected",
    [
        (20, 5.0, None, 40),  # classifier-free guidance: two evaluations per step
        (20, 1.0, None, 20),  # guidance <= 1 switches CFG off in diffusers
        (20, 0.0, None, 20),
        (20, 1.0001, None, 40),
        (1, 7.5, None, 2),
        (20, 5.0, 21, 42),  # PNDM runs steps + 1 timesteps
        (20, 0.5, 21, 21),
        (20, 5.0, 0, 40),  # a pipeline that reports nothing useful: fall back to steps
    ],
)
def test_nfe(steps, guidance, timesteps, expected):
    assert core.nfe(steps, guidance, timesteps) == expected
