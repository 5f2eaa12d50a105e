"""model.tar.gz: the layout the Hugging Face inference container expects, importable without torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile

import pytest

from conftest import ENDPOINTS, load_module

package = load_module("diffalign_package", os.path.join(ENDPOINTS, "package.py"))

SMOKE = r"""
import json, sys
import numpy as np
import inference

handler = sys.argv[1]
if handler == "generator":
    import generator_core as core

    class Runner:
        def latent_shape(self, width, height):
            return (4, height // 8, width // 8)

        def draw_noise(self, seed, shape):
            return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)

        def run(self, batch):
            return core.PipelineOutput(images=np.zeros((len(batch.prompts), batch.height, batch.width, 3), dtype=np.uint8))

    model = core.Generator(model_id="smoke", runner=Runner())
    body = {"version": "generator-v1", "items": [{"prompt": "p", "noise": {"terms": [{"seed": 1, "weight": 1}]},
            "steps": 2, "guidance": 2, "width": 64, "height": 64, "format": "png"}]}
else:
    import scorer_core as core

    model = core.Scorer(loaders={"hpsv2": lambda: core.ScoringModel("hpsv2", lambda p, i: {
        "image_features": np.ones((len(i), 4)), "text_features": np.ones((len(p), 4))})}, decode=lambda data, kind: data)
    body = {"version": "scorer-v1", "model": "hpsv2", "items": [{"prompt": "p", "image": {"b64": "aW1n", "media_type": "image/png"}}]}

out = inference.output_fn(inference.predict_fn(inference.input_fn(json.dumps(body), "application/json"), model), "application/json")
heavy = sorted(name for name in ("torch", "diffusers", "transformers", "open_clip", "ImageReward") if name in sys.modules)
print(json.dumps({"response": json.loads(out), "heavy": heavy}))
"""


@pytest.mark.parametrize("handler, core_file", [("generator", "generator_core.py"), ("scorer", "scorer_core.py")])
def test_the_archive_holds_code_and_requirements_and_runs_on_its_own(handler, core_file, tmp_path):
    archive_path = package.build(handler, str(tmp_path / "dist"))
    assert archive_path == str(tmp_path / "dist" / handler / "model.tar.gz")
    with tarfile.open(archive_path) as archive:
        names = archive.getnames()
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        archive.extractall(tmp_path / "model", **safe)
    assert {"code/inference.py", f"code/{core_file}", "code/requirements.txt", "code/common/noise.py", "code/common/toolkit.py"} <= set(names)
    assert all(name.startswith("code/") for name in names)
    assert not any("__pycache__" in name or "test" in name for name in names)

    # The toolkit puts <model_dir>/code first on sys.path and imports `inference`; nothing of the repo
    # is on the path, and nothing heavy may be imported before model_fn runs.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run = subprocess.run(
        [sys.executable, "-c", SMOKE, handler],
        cwd=tmp_path / "model" / "code",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["heavy"] == []
    if handler == "generator":
        assert result["response"]["images"][0]["nfe"] == 4 and result["response"]["model"] == "smoke"
    else:
        assert result["response"]["scores"] == [pytest.approx(1.0)]


def test_the_archive_is_reproducible_and_takes_extra_files(tmp_path):
    weights = tmp_path / "pipeline"
    (weights / "unet").mkdir(parents=True)
    (weights / "model_index.json").write_text("{}")
    (weights / "unet" / "config.json").write_text("{}")
    first = package.build("generator", str(tmp_path / "a"), [str(weights)])
    second = package.build("generator", str(tmp_path / "b"), [str(weights)])
    with open(first, "rb") as one, open(second, "rb") as two:
        assert one.read() == two.read()
    with tarfile.open(first) as archive:
        names = archive.getnames()
    assert "model_index.json" in names and "unet/config.json" in names
    assert names == sorted(names)
