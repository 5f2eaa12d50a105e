"""Order-preserving grouping: which items run together, and putting the answers back in request order."""

from __future__ import annotations

from typing import Callable, Hashable, Sequence, TypeVar

T = TypeVar("T")


def group_in_order(keys: Sequence[Hashable], max_batch_size: int) -> list[list[int]]:
    """Indices of items grouped by key, each group cut into batches of at most `max_batch_size`.

    Groups come in the order their key first appears, and indices inside a batch keep request order,
    so the batches are deterministic for a given request."""
    if max_batch_size < 1:
        raise ValueError("max_batch_size must be >= 1")
    groups: dict[Hashable, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    batches: list[list[int]] = []
    for indices in groups.values():
        for start in range(0, len(indices), max_batch_size):
            batches.append(indices[start : start + max_batch_size])
    return batches


def chunks(count: int, max_batch_size: int) -> list[list[int]]:
    """Consecutive batches of indices 0..count-1 (no grouping key)."""
    return group_in_order([None] * count, max_batch_size)


def run_batches(
    batches: Sequence[Sequence[int]],
    count: int,
    run: Callable[[Sequence[int]], Sequence[T]],
) -> list[T]:
    """Calls `run` per batch (it answers one result per index, in the batch's order) and returns the
    results in request order. Every index 0..count-1 must be in exactly one batch."""
    results: list[T | None] = [None] * count
    filled = [False] * count
    for batch in batches:
        answers = list(run(batch))
        if len(answers) != len(batch):
            raise RuntimeError(f"a batch of {len(batch)} items produced {len(answers)} results")
        for index, answer in zip(batch, answers):
            if filled[index]:
                raise RuntimeError(f"item {index} is in more than one batch")
            results[index] = answer
            filled[index] = True
    missing = [index for index, done in enumerate(filled) if not done]
    if missing:
        raise RuntimeError(f"items {missing} are in no batch")
    return results  # type: ignore[return-value]
