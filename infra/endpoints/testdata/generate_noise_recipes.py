#!/usr/bin/env python3
"""Writes noise-recipes.json, the noise-recipe vectors checked by both the Python handler
(infra/endpoints/tests/test_noise_vectors.py) and TypeScript (test/infra/noise-recipe-vectors.test.ts).

    python3 infra/endpoints/testdata/generate_noise_recipes.py           # rewrite the file
    python3 infra/endpoints/testdata/generate_noise_recipes.py --check   # exit 1 if it is stale

The expected tensors are computed independently of both implementations: in decimal arithmetic at
60 significant digits from the exact values of the float64 weights and the float32-exact per-seed
values, z = Σ wᵢ·εᵢ / √(Σ wᵢ²), then rounded once to the nearest float64. Standard library only.
"""

from __future__ import annotations

import json
import math
import os
import sys
from decimal import Decimal, getcontext

getcontext().prec = 60
HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "noise-recipes.json")
SHAPE = [2, 3]

# ε(seed) for the vectors: dyadic values (multiples of 1/16), so float32, float64 and decimal agree
# on them exactly; they stand in for the endpoint's real draws, which are not part of the contract.
EPSILON = {
    0: [[0.5, -1.25, 0.375], [2.0625, -0.8125, 1.5]],
    7: [[1.0, 0.25, -0.5], [-1.75, 0.0625, 0.875]],
    8: [[-0.3125, 1.125, 0.6875], [0.4375, -2.5, -0.0625]],
    9: [[3.0, -3.0, 3.0], [-3.0, 3.0, -3.0]],
    11: [[0.1875, 0.9375, -1.0625], [1.3125, 0.5625, -0.4375]],
    12: [[-1.5, -0.125, 0.8125], [0.0, 1.875, 0.75]],
    13: [[0.625, -0.6875, -1.875], [-0.25, 1.0625, 2.25]],
    4294967295: [[-0.9375, 0.3125, 1.6875], [-1.1875, -0.5625, 0.125]],
}


def neighbor(pivot: list[dict], angle: float, seed: int) -> list[dict]:
    """cos θ · pivot + sin θ · ε(seed), the pivot normalised first (in float64, as both sides build it)."""
    norm = math.sqrt(sum(term["weight"] ** 2 for term in pivot))
    cos, sin = math.cos(angle), math.sin(angle)
    return [{"seed": term["seed"], "weight": term["weight"] / norm * cos} for term in pivot] + [{"seed": seed, "weight": sin}]


PIVOT = [{"seed": 11, "weight": 0.6}, {"seed": 12, "weight": -0.8}]
FIRST_STEP = neighbor(PIVOT, 0.3, 13)

CASES = [
    {"name": "single seed, weight 1: ε(7) itself", "terms": [{"seed": 7, "weight": 1}]},
    {"name": "single seed, weight 2.5: scale does not matter", "terms": [{"seed": 7, "weight": 2.5}]},
    {"name": "single seed, negative weight: −ε(7)", "terms": [{"seed": 7, "weight": -1}]},
    {"name": "largest seed alone", "terms": [{"seed": 4294967295, "weight": 0.75}]},
    {"name": "two seeds, equal weights: (ε₇ + ε₈)/√2", "terms": [{"seed": 7, "weight": 1}, {"seed": 8, "weight": 1}]},
    {"name": "3 and −4: (3ε₇ − 4ε₈)/5", "terms": [{"seed": 7, "weight": 3}, {"seed": 8, "weight": -4}]},
    {
        "name": "a zero-weight term contributes nothing",
        "terms": [{"seed": 7, "weight": 0.6}, {"seed": 9, "weight": 0}, {"seed": 8, "weight": 0.8}],
    },
    {
        "name": "neighbour of a unit pivot at θ = 0.3 (cos θ · pivot + sin θ · ε₁₃)",
        "terms": FIRST_STEP,
        "neighbor": {"pivot": {"terms": PIVOT}, "angle": 0.3, "seed": 13},
    },
    {
        "name": "neighbour of an unnormalised pivot (3, 4) at θ = 0.5 with the largest seed",
        "terms": neighbor([{"seed": 7, "weight": 3}, {"seed": 8, "weight": 4}], 0.5, 4294967295),
        "neighbor": {"pivot": {"terms": [{"seed": 7, "weight": 3}, {"seed": 8, "weight": 4}]}, "angle": 0.5, "seed": 4294967295},
    },
    {
        "name": "neighbour of a neighbour (θ = 0.2, seed 0): a walk of two zero-order steps",
        "terms": neighbor(FIRST_STEP, 0.2, 0),
        "neighbor": {"pivot": {"terms": FIRST_STEP}, "angle": 0.2, "seed": 0},
    },
    {
        "name": "five terms across six orders of magnitude, mixed signs",
        "terms": [
            {"seed": 0, "weight": 0.001},
            {"seed": 7, "weight": 1000},
            {"seed": 8, "weight": -0.5},
            {"seed": 11, "weight": 2},
            {"seed": 13, "weight": 7.25},
        ],
    },
    {
        "name": "a repeated seed is summed literally, not merged: 2ε₇/√2 (the engine never sends this)",
        "terms": [{"seed": 7, "weight": 1}, {"seed": 7, "weight": 1}],
    },
]

INVALID = [
    {"name": "one term of weight zero", "terms": [{"seed": 7, "weight": 0}]},
    {"name": "every weight zero", "terms": [{"seed": 7, "weight": 0}, {"seed": 8, "weight": 0}]},
]


def expected(terms: list[dict]) -> list:
    weights = [Decimal(float(term["weight"])) for term in terms]
    norm = sum(w * w for w in weights).sqrt()
    out = []
    for row in range(SHAPE[0]):
        values = []
        for col in range(SHAPE[1]):
            total = sum(w * Decimal(EPSILON[term["seed"]][row][col]) for w, term in zip(weights, terms))
            values.append(float(total / norm))
        out.append(values)
    return out


def document() -> dict:
    return {
        "description": (
            "Noise-recipe test vectors shared by the Python GPU handler and the TypeScript reference. "
            "Regenerate with infra/endpoints/testdata/generate_noise_recipes.py; never edit by hand."
        ),
        "formula": "z = Σ wᵢ·ε(seedᵢ) / √(Σ wᵢ²); a neighbour of a pivot at angle θ is cos θ · pivot + sin θ · ε(new seed)",
        "layout": "tensors are row-major nested arrays of the given shape; flattened in that order for 1-D implementations",
        "shape": SHAPE,
        "tolerance": 1e-12,
        "epsilon": {str(seed): values for seed, values in EPSILON.items()},
        "cases": [{**case, "expected": expected(case["terms"])} for case in CASES],
        "invalid": [{**case, "reason": "a noise recipe needs at least one non-zero weight"} for case in INVALID],
    }


def _inline(value) -> bool:
    """Numbers, numeric (nested) arrays and flat objects of scalars go on one line."""
    if isinstance(value, (int, float, str)) or value is None:
        return True
    if isinstance(value, list):
        return all(isinstance(v, (int, float)) or (isinstance(v, list) and _inline(v)) for v in value)
    if isinstance(value, dict):
        return all(isinstance(v, (int, float, str)) for v in value.values())
    return False


def _dump(value, indent: int = 0) -> str:
    if _inline(value):
        if isinstance(value, list):
            return "[" + ", ".join(_dump(v) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}" for k, v in value.items()) + "}"
        return json.dumps(value, ensure_ascii=False)
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, list):
        return "[\n" + ",\n".join(inner + _dump(v, indent + 2) for v in value) + "\n" + pad + "]"
    return "{\n" + ",\n".join(f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent + 2)}" for k, v in value.items()) + "\n" + pad + "}"


def render() -> str:
    text = _dump(document()) + "\n"
    if json.loads(text) != document():  # the layout must not change a value
        raise AssertionError("noise-recipes.json would not round-trip")
    return text


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        with open(TARGET, encoding="utf-8") as handle:
            if handle.read() != text:
                print(f"{TARGET} is stale: run {os.path.relpath(__file__)}", file=sys.stderr)
                return 1
        return 0
    with open(TARGET, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(TARGET)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
