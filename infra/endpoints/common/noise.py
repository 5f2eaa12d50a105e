"""Noise recipes: the wire form, and the maths that turns per-seed tensors into one initial latent.

DESIGN.md, "Noise recipes": a recipe `{terms: [{seed, weight}, ...]}` names the latent

    z = Σᵢ wᵢ·ε(seedᵢ) / √(Σᵢ wᵢ²)

where ε(seed) is the endpoint's standard-normal tensor for that seed. A sum of independent standard
normals rescaled so is again standard normal, so every recipe is a valid starting noise. A neighbour
of a pivot at angle θ is `cos θ · pivot + sin θ · ε(new seed)`: the pivot's (normalised) terms times
cos θ plus one term of weight sin θ.

The combination here is the same computation, in the same order, as the TypeScript reference
(`src/reference-world/sampler/recipe-noise.ts`, `noiseFromRecipe`): zero-weight terms are skipped,
Σwᵢ² is accumulated in term order, and z accumulates (wᵢ/‖w‖)·ε(seedᵢ) in term order in float64, so
both sides give the same bits for the same per-seed tensors (`testdata/noise-recipes.json` checks it
on both sides). Two deliberate differences:
- a recipe whose weights are all zero is rejected (400) instead of falling back to ε(seed₀): the
  engine never sends one (`normalizeRecipe` throws on it), so receiving one is a caller bug;
- when Σwᵢ² would overflow or underflow float64, the weights are first divided by max|wᵢ| (the
  recipe is scale-invariant), where the TS reference would fall back to ε(seed₀).
Duplicate seeds are summed literally, as the formula and the TS reference do (z is then not unit
variance); the engine never sends them (`normalizeRecipe` merges duplicates before a recipe leaves it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .errors import ValidationError
from .validate import require_int, require_list, require_number, require_object

MAX_TERMS = 64
MAX_SEED = 0xFFFFFFFF


@dataclass(frozen=True)
class NoiseTerm:
    seed: int
    weight: float


@dataclass(frozen=True)
class NoiseRecipe:
    terms: tuple[NoiseTerm, ...]

    @property
    def seeds(self) -> tuple[int, ...]:
        return tuple(term.seed for term in self.terms)

    def to_json(self) -> dict:
        return {"terms": [{"seed": term.seed, "weight": term.weight} for term in self.terms]}


def parse_recipe(value: Any, path: str = "noise") -> NoiseRecipe:
    """The wire form (`src/ports/noise-recipe.ts`, `noiseRecipeSchema`): 1..64 terms, uint32 seeds,
    finite weights; additionally at least one weight must be non-zero."""
    recipe = require_object(value, path)
    raw_terms = require_list(recipe.get("terms"), f"{path}.terms", min_items=1, max_items=MAX_TERMS)
    terms = []
    for index, raw in enumerate(raw_terms):
        term_path = f"{path}.terms[{index}]"
        term = require_object(raw, term_path)
        seed = require_int(term.get("seed"), f"{term_path}.seed", 0, MAX_SEED)
        weight = require_number(term.get("weight"), f"{term_path}.weight")
        terms.append(NoiseTerm(seed=seed, weight=weight))
    parsed = NoiseRecipe(terms=tuple(terms))
    recipe_scales(parsed, path)  # rejects a recipe with no non-zero weight
    return parsed


def recipe_scales(recipe: NoiseRecipe | Sequence[float], path: str = "noise") -> list[float]:
    """The factor wᵢ/√(Σw²) of every term, in term order (0.0 for zero-weight terms).

    Raises a ValidationError when no weight is non-zero."""
    weights = [term.weight for term in recipe.terms] if isinstance(recipe, NoiseRecipe) else [float(w) for w in recipe]
    for index, weight in enumerate(weights):
        if not math.isfinite(weight):
            raise ValidationError(f"{path}.terms[{index}].weight: must be a finite number")
    nonzero = [weight for weight in weights if weight != 0]
    if not nonzero:
        raise ValidationError(f"{path}: a noise recipe needs at least one non-zero weight")
    sum_of_squares = 0.0
    for weight in nonzero:
        sum_of_squares += weight * weight
    if math.isfinite(sum_of_squares) and sum_of_squares >= 1e-290:
        norm = math.sqrt(sum_of_squares)
        return [weight / norm if weight != 0 else 0.0 for weight in weights]
    # Far outside the range the engine produces: rescale first so Σw² neither overflows nor underflows.
    largest = max(abs(weight) for weight in nonzero)
    scaled = [weight / largest for weight in weights]
    norm = math.sqrt(sum(weight * weight for weight in scaled if weight != 0))
    return [weight / norm if weight != 0 else 0.0 for weight in scaled]


def combine_noise(tensors: Sequence[np.ndarray], weights: Sequence[float]) -> np.ndarray:
    """z = Σ wᵢ·tensorsᵢ / √(Σ wᵢ²), in float64, accumulated in term order; tensors share one shape."""
    if len(tensors) != len(weights):
        raise ValueError(f"{len(tensors)} tensors for {len(weights)} weights")
    if not tensors:
        raise ValidationError("noise: a noise recipe needs at least one term")
    scales = recipe_scales(list(weights))
    shape = np.shape(tensors[0])
    combined = np.zeros(shape, dtype=np.float64)
    for tensor, scale in zip(tensors, scales):
        if scale == 0.0:
            continue
        array = np.asarray(tensor)
        if array.shape != shape:
            raise ValueError(f"per-seed tensors differ in shape: {array.shape} vs {shape}")
        combined += scale * array.astype(np.float64, copy=False)
    return combined


def realize_recipe(
    recipe: NoiseRecipe,
    draw: Callable[[int], np.ndarray],
    cache: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """The recipe's latent, drawing ε(seed) with `draw` once per distinct seed of non-zero weight.

    `cache` (seed → tensor) may be shared across the items of a batch: a neighbour shares all but one
    of its seeds with its pivot."""
    store: dict[int, np.ndarray] = {} if cache is None else cache
    tensors: list[np.ndarray] = []
    weights: list[float] = []
    for term in recipe.terms:
        if term.weight == 0:
            continue
        if term.seed not in store:
            store[term.seed] = np.asarray(draw(term.seed))
        tensors.append(store[term.seed])
        weights.append(term.weight)
    return combine_noise(tensors, weights)


def neighbor_weights(pivot: Sequence[float], angle: float) -> list[float]:
    """Weights of `cos θ · pivot + sin θ · ε(new seed)`: the pivot's normalised weights times cos θ,
    then sin θ for the new seed (the recipe `src/engine/noise/noise-recipes.ts` `neighborRecipe` builds
    for a pivot without duplicate seeds)."""
    scales = recipe_scales(list(pivot))
    return [scale * math.cos(angle) for scale in scales] + [math.sin(angle)]


def per_seed_table(table: Mapping[int, np.ndarray]) -> Callable[[int], np.ndarray]:
    """A `draw` function over fixed per-seed tensors (for tests and the shared vectors)."""

    def draw(seed: int) -> np.ndarray:
        if seed not in table:
            raise KeyError(f"no tensor for seed {seed}")
        return table[seed]

    return draw
