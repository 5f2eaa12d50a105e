"""Noise-recipe maths against the shared vectors (testdata/noise-recipes.json), which TypeScript's
test/infra/noise-recipe-vectors.test.ts checks against the reference implementation too."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from common.errors import ValidationError
from common.noise import NoiseRecipe, NoiseTerm, combine_noise, neighbor_weights, parse_recipe, per_seed_table, realize_recipe, recipe_scales
from conftest import ENDPOINTS, load_module

VECTORS_PATH = os.path.join(ENDPOINTS, "testdata", "noise-recipes.json")
with open(VECTORS_PATH, encoding="utf-8") as handle:
    VECTORS = json.load(handle)
EPSILON = {int(seed): np.array(values, dtype=np.float64) for seed, values in VECTORS["epsilon"].items()}
TOLERANCE = VECTORS["tolerance"]


def test_the_vectors_file_is_what_the_generator_writes():
    generator = load_module("diffalign_generate_noise_recipes", os.path.join(ENDPOINTS, "testdata", "generate_noise_recipes.py"))
    assert generator.main(["--check"]) == 0, "testdata/noise-recipes.json is stale: rerun generate_noise_recipes.py"


def test_the_per_seed_tensors_are_float32_exact_and_of_the_declared_shape():
    for seed, tensor in EPSILON.items():
        assert list(tensor.shape) == VECTORS["shape"], seed
        assert np.array_equal(tensor.astype(np.float32).astype(np.float64), tensor), seed
        assert 0 <= seed <= 0xFFFFFFFF


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_combine_noise_matches_the_expected_tensor(case):
    tensors = [EPSILON[term["seed"]] for term in case["terms"]]
    weights = [term["weight"] for term in case["terms"]]
    combined = combine_noise(tensors, weights)
    assert combined.shape == tuple(VECTORS["shape"])
    np.testing.assert_allclose(combined, np.array(case["expected"]), rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[case["name"] for case in VECTORS["cases"]])
def test_a_parsed_recipe_realises_to_the_expected_tensor(case):
    recipe = parse_recipe({"terms": case["terms"]})
    drawn = []

    def draw(seed):
        drawn.append(seed)
        return EPSILON[seed].astype(np.float32)  # the endpoint's ε is float32

    latent = realize_recipe(recipe, draw)
    np.testing.assert_allclose(latent, np.array(case["expected"]), rtol=0, atol=TOLERANCE)
    nonzero = [term["seed"] for term in case["terms"] if term["weight"] != 0]
    assert drawn == list(dict.fromkeys(nonzero)), "each seed of non-zero weight is drawn once, in term order"


@pytest.mark.parametrize(
    "case", [case for case in VECTORS["cases"] if "neighbor" in case], ids=lambda case: case["name"]
)
def test_neighbour_recipes_are_cos_pivot_plus_sin_new_seed(case):
    spec = case["neighbor"]
    pivot_weights = [term["weight"] for term in spec["pivot"]["terms"]]
    weights = neighbor_weights(pivot_weights, spec["angle"])
    assert [term["seed"] for term in case["terms"]] == [term["seed"] for term in spec["pivot"]["terms"]] + [spec["seed"]]
    np.testing.assert_allclose(weights, [term["weight"] for term in case["terms"]], rtol=0, atol=1e-15)
    assert math.isclose(sum(w * w for w in weights), 1.0, rel_tol=1e-14), "a neighbour of a unit pivot is unit"
    # Its latent correlates with the pivot's by cos θ (in expectation): check the weights' inner product.
    pivot_unit = recipe_scales(pivot_weights)
    assert math.isclose(sum(a * b for a, b in zip(pivot_unit, weights)), math.cos(spec["angle"]), rel_tol=1e-14)


@pytest.mark.parametrize("case", VECTORS["invalid"], ids=[case["name"] for case in VECTORS["invalid"]])
def test_recipes_without_a_non_zero_weight_are_rejected(case):
    with pytest.raises(ValidationError, match="at least one non-zero weight"):
        parse_recipe({"terms": case["terms"]})
    with pytest.raises(ValidationError):
        combine_noise([EPSILON[term["seed"]] for term in case["terms"]], [term["weight"] for term in case["terms"]])


def test_a_recipe_is_scale_invariant_and_sign_sensitive():
    tensors = [EPSILON[7], EPSILON[8], EPSILON[13]]
    base = combine_noise(tensors, [0.2, -0.5, 0.7])
    np.testing.assert_allclose(combine_noise(tensors, [2.0, -5.0, 7.0]), base, atol=1e-15)
    np.testing.assert_allclose(combine_noise(tensors, [-0.2, 0.5, -0.7]), -base, atol=1e-15)


def test_extreme_weights_neither_overflow_nor_underflow():
    tensors = [EPSILON[7], EPSILON[8]]
    expected = combine_noise(tensors, [3.0, 4.0])
    np.testing.assert_allclose(combine_noise(tensors, [3e200, 4e200]), expected, atol=1e-15)
    np.testing.assert_allclose(combine_noise(tensors, [3e-200, 4e-200]), expected, atol=1e-15)


def test_realize_shares_draws_through_a_cache():
    table = per_seed_table({7: EPSILON[7], 8: EPSILON[8]})
    calls = []

    def draw(seed):
        calls.append(seed)
        return table(seed)

    cache: dict = {}
    realize_recipe(NoiseRecipe((NoiseTerm(7, 1.0),)), draw, cache)
    realize_recipe(NoiseRecipe((NoiseTerm(7, 0.6), NoiseTerm(8, 0.8))), draw, cache)
    assert calls == [7, 8]


def test_a_unit_recipe_over_real_normals_stays_standard_normal():
    rng = np.random.default_rng(0)
    tensors = [rng.standard_normal(200_000) for _ in range(5)]
    z = combine_noise(tensors, [0.1, -2.0, 0.5, 3.0, 1.0])
    assert abs(float(np.mean(z))) < 0.01
    assert abs(float(np.std(z)) - 1.0) < 0.01
