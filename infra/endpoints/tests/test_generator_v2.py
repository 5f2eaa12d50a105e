"""generator-v2 through the handler's seams: a fake float16 pipeline that runs schedule segments, and a
fake scheduler under segments.SegmentScheduler (the patch DiffusersRunner puts on diffusers' DDIM)."""

from __future__ import annotations

import base64
import json
import math
import zlib
from dataclasses import dataclass, field

import numpy as np
import pytest

import generator_core as core
import segments
from helpers import FakeContext, decode_png, fake_eps, fake_image, generator_inference, item

inference = generator_inference()


def request_v2(*items) -> dict:
    return {"version": "generator-v2", "items": list(items)}


@dataclass
class FakeSegmentRunner:
    """A float16 'pipeline': every step moves x toward tanh(x) in float16 (as an fp16 GPU pipeline keeps
    its latents), plus η·0.3·z at stochastic steps; x̂₀ is tanh(x)."""

    channels: int = 4
    scale: int = 8
    calls: list = field(default_factory=list)
    draws: list = field(default_factory=list)

    def latent_shape(self, width, height):
        return (self.channels, height // self.scale, width // self.scale)

    def draw_noise(self, seed, shape):
        self.draws.append(seed)
        return fake_eps(seed, shape)

    def alpha_bar(self, steps, position):
        return 1.0 if position >= steps else (position + 1) / (steps + 1)

    def run(self, batch):  # v1 (unused here)
        raise AssertionError("v2 items never go through run()")

    def run_segment(self, batch):
        self.calls.append(batch)
        x = np.asarray(batch.latents).astype(np.float16)
        predicted = x
        for position in range(batch.start_step, batch.stop_step):
            pull = np.float16(1.0 / (batch.steps - position))
            step = x + pull * (np.tanh(x) - x)
            if batch.eta > 0:
                step = step + np.float16(batch.eta * 0.3) * batch.step_noise[position - batch.start_step].astype(np.float16)
            predicted = np.tanh(x).astype(np.float16)
            x = step.astype(np.float16)
        final = batch.stop_step >= batch.steps
        images = np.stack([fake_image(prompt, latent.astype(np.float32), batch.height, batch.width) for prompt, latent in zip(batch.prompts, x)]) if final else None
        previews = None
        if batch.preview is not None and not final:
            width, height = batch.preview
            previews = np.stack([fake_image(prompt, latent.astype(np.float32), height, width) for prompt, latent in zip(batch.prompts, predicted)])
        return core.SegmentOutput(images=images, latents=x if batch.want_latents and not final else None, previews=previews)


def make(runner=None, **limits):
    runner = runner or FakeSegmentRunner()
    return core.Generator(model_id="test/sd-tiny", runner=runner, limits=core.GeneratorLimits(**limits)), runner


def invoke(generator, body):
    context = FakeContext()
    data = inference.input_fn(json.dumps(body), "application/json", context)
    prediction = inference.predict_fn(data, generator, context)
    return json.loads(inference.output_fn(prediction, "application/json", context)), context.status


def run_cut(generator, base, cuts, sampler=None):
    """A trajectory cut at `cuts`, each piece resumed from the previous piece's checkpoint."""
    bounds = [0, *cuts, base["steps"]]
    start = None
    output = None
    for low, high in zip(bounds, bounds[1:]):
        entry = {**base, "to": high, **({"start": start} if start else {}), **({"return_latents": True} if high < base["steps"] else {}), **({"sampler": sampler} if sampler else {})}
        body, status = invoke(generator, request_v2(entry))
        assert status is None, body
        output = body["outputs"][0]
        start = output.get("latents")
    return output


def test_a_checkpoint_is_the_float16_latent_deflated_and_resumes_to_the_uninterrupted_image():
    generator, runner = make()
    base = item("a cat", seed=3, steps=6)
    whole, _ = invoke(generator, request_v2(base))
    partial, _ = invoke(generator, request_v2({**base, "to": 2, "return_latents": True, "preview": {"width": 64, "height": 64}}))
    checkpoint = partial["outputs"][0]["latents"]
    assert checkpoint["step"] == 2 and checkpoint["steps"] == 6 and checkpoint["dtype"] == "float16" and checkpoint["shape"] == [4, 8, 8]
    assert checkpoint["model"] == "test/sd-tiny"
    raw = zlib.decompress(base64.b64decode(checkpoint["data"]))
    assert len(raw) == 4 * 8 * 8 * 2
    assert partial["outputs"][0]["preview"] is True and partial["outputs"][0]["nfe"] == 4
    assert decode_png(base64.b64decode(partial["outputs"][0]["b64"])).shape == (64, 64, 3)
    for cuts in ([2], [1, 4], [1, 2, 3, 4, 5]):
        assert run_cut(generator, base, cuts)["b64"] == whole["outputs"][0]["b64"]
    assert whole["outputs"][0] == {**whole["outputs"][0], "preview": False, "nfe": 12, "media_type": "image/png"}


def test_the_stochastic_sampler_draws_its_step_noise_from_the_seed_and_position_and_resumes_exactly():
    generator, runner = make()
    base = item("a dog", seed=8, steps=5)
    sampler = {"eta": 1, "seed": 42}
    whole, _ = invoke(generator, request_v2({**base, "sampler": sampler}))
    # the noise of positions 0 and 1 of seed 42 (vectors shared with src/ports/sampler.ts)
    assert runner.draws[1:3] == [939911724, 3948730756]
    assert [segments.sampler_step_seed(s, p) for s, p in ((0, 0), (123456789, 7), (4294967295, 41))] == [2462723854, 2412333407, 4282984833]
    assert run_cut(generator, base, [3], sampler)["b64"] == whole["outputs"][0]["b64"]
    # another sampler seed moves the trajectory (the latents at step 3 differ)
    seeded = [invoke(generator, request_v2({**base, "to": 3, "return_latents": True, "sampler": {"eta": 1, "seed": seed}}))[0]["outputs"][0]["latents"]["data"] for seed in (42, 43)]
    assert seeded[0] != seeded[1]


def test_renoise_moves_a_checkpoint_back_along_the_forward_process_with_the_recipes_noise():
    generator, runner = make()
    base = item("a bird", seed=1, steps=8)
    partial, _ = invoke(generator, request_v2({**base, "to": 5, "return_latents": True}))
    checkpoint = partial["outputs"][0]["latents"]
    invoke(generator, request_v2({**base, "start": checkpoint, "renoise": {"terms": [{"seed": 77, "weight": 1}]}, "from": 3, "to": 6, "return_latents": True}))
    batch = runner.calls[-1]
    latent = segments.decode_checkpoint(segments.parse_checkpoint(checkpoint, "start")).astype(np.float64)
    ratio = (3 + 1) / (5 + 1)
    expected = math.sqrt(ratio) * latent + math.sqrt(1 - ratio) * fake_eps(77, (4, 8, 8)).astype(np.float64)
    np.testing.assert_allclose(batch.latents[0], expected.astype(np.float32))
    assert batch.start_step == 3 and batch.stop_step == 6


def test_items_share_a_pipeline_call_only_with_the_same_segment():
    generator, runner = make(max_batch_size=4)
    base = item("x", steps=6)
    body, _ = invoke(generator, request_v2({**base, "to": 2}, {**base, "seed": 2, "to": 3}, {**base, "seed": 3, "to": 2}, {**base, "seed": 4, "to": 2, "sampler": {"eta": 1, "seed": 1}}))
    assert len(body["outputs"]) == 4
    assert [(call.start_step, call.stop_step, call.eta, len(call.prompts)) for call in runner.calls] == [(0, 2, 0.0, 2), (0, 3, 0.0, 1), (0, 2, 1.0, 1)]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"from": 1}, "without a checkpoint"),
        ({"renoise": {"terms": [{"seed": 1, "weight": 1}]}}, "needs a checkpoint"),
        ({"to": 9}, "items[0].to"),
        ({"sampler": {"eta": 1.5, "seed": 1}}, "sampler.eta"),
        ({"return_latents": "yes"}, "boolean"),
        ({"to": 2, "preview": {"width": 16, "height": 64}}, "preview.width"),
    ],
)
def test_rejects_segments_it_cannot_run(overrides, message):
    generator, _ = make()
    body, status = invoke(generator, request_v2({**item("x", steps=6), **overrides}))
    assert status[0] == 400 and message in body["message"]


def test_rejects_checkpoints_that_do_not_resume_here():
    generator, _ = make()
    base = item("x", steps=6)
    partial, _ = invoke(generator, request_v2({**base, "to": 2, "return_latents": True}))
    checkpoint = partial["outputs"][0]["latents"]
    cases = [
        ({"start": {**checkpoint, "steps": 8}}, "start.steps"),
        ({"start": checkpoint, "from": 3}, "resumes from it"),
        ({"start": {**checkpoint, "model": "other/model"}}, "cannot resume on"),
        ({"start": {**checkpoint, "data": "bm90IGRlZmxhdGVk"}}, "not deflated base64"),
        ({"start": {**checkpoint, "dtype": "float32"}}, "bytes, shape"),
        ({"start": {**checkpoint, "shape": [4, 8, 4]}}, "is not this model's latent"),
        ({"start": checkpoint, "width": 128}, "is not this model's latent"),
    ]
    for overrides, message in cases:
        body, status = invoke(generator, request_v2({**base, **overrides}))
        assert status[0] == 400 and message in body["message"], (overrides, body)


def test_counts_checkpoints_against_the_response_limit():
    generator, _ = make(max_response_bytes=2_000)
    body, status = invoke(generator, request_v2(*[{**item("x", seed=seed, steps=6), "to": 3, "return_latents": True} for seed in range(8)]))
    assert status[0] == 413 and "checkpoints" in body["message"]


def test_a_v1_only_runner_answers_v2_with_400():
    from helpers import FakeRunner

    generator = core.Generator(model_id="test/sd-tiny", runner=FakeRunner())
    body, status = invoke(generator, request_v2(item("x")))
    assert status[0] == 400 and "cannot run" in body["message"]


@dataclass
class FakeScheduler:
    """Just what SegmentScheduler touches of a diffusers DDIMScheduler."""

    timesteps: list = field(default_factory=list)
    steps_seen: list = field(default_factory=list)

    def set_timesteps(self, num_inference_steps, device=None):
        self.timesteps = [999 - index * (1000 // num_inference_steps) for index in range(num_inference_steps)]

    def step(self, model_output, timestep, sample, eta=0.0, generator=None, variance_noise=None, return_dict=True):
        assert generator is None, "DDIM refuses a generator together with variance_noise"
        self.steps_seen.append((timestep, eta, variance_noise))
        return (sample - 1, f"x0@{timestep}") if not return_dict else None


def test_segment_scheduler_keeps_the_subset_of_the_full_schedule_injects_the_step_noise_and_restores_the_scheduler():
    scheduler = FakeScheduler()
    with segments.SegmentScheduler(scheduler, 2, 5, eta=1.0, step_noise=lambda position: f"z{position}") as segment:
        scheduler.set_timesteps(10)
        assert scheduler.timesteps == [799, 699, 599]
        for timestep in scheduler.timesteps:
            scheduler.step("eps", timestep, 0, generator="pipeline's", return_dict=False)
    assert scheduler.steps_seen == [(799, 1.0, "z2"), (699, 1.0, "z3"), (599, 1.0, "z4")]
    assert segment.predicted == "x0@599" and segment.steps_run == 3
    assert "step" not in scheduler.__dict__ and "set_timesteps" not in scheduler.__dict__
    scheduler.set_timesteps(10)
    assert len(scheduler.timesteps) == 10


def test_checkpoint_codec_keeps_the_dtype_and_the_bits():
    latent = np.random.default_rng(1).standard_normal((4, 8, 8)).astype(np.float16)
    encoded = segments.encode_checkpoint(latent, 3, 10, "m")
    decoded = segments.decode_checkpoint(segments.parse_checkpoint(encoded, "start"))
    assert decoded.dtype == np.float16 and np.array_equal(decoded, latent)
    assert segments.decode_checkpoint(segments.parse_checkpoint(segments.encode_checkpoint(latent.astype(np.float64), 3, 10, "m"), "start")).dtype == np.float64
