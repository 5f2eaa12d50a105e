"""Order-preserving grouping and reassembly."""

from __future__ import annotations

import pytest

from common.batching import chunks, group_in_order, run_batches


def test_groups_follow_first_appearance_and_keep_request_order_inside():
    keys = ["a", "b", "a", "c", "b", "a", "a"]
    assert group_in_order(keys, 8) == [[0, 2, 5, 6], [1, 4], [3]]


def test_groups_are_cut_at_the_batch_size():
    keys = ["a"] * 5 + ["b"] * 3
    assert group_in_order(keys, 2) == [[0, 1], [2, 3], [4], [5, 6], [7]]


def test_batch_size_one_runs_every_item_alone():
    assert group_in_order(["x", "y", "x"], 1) == [[0], [2], [1]]


def test_chunks_are_consecutive():
    assert chunks(5, 2) == [[0, 1], [2, 3], [4]]
    assert chunks(0, 3) == []


def test_a_bad_batch_size_is_refused():
    with pytest.raises(ValueError):
        group_in_order(["a"], 0)


def test_run_batches_puts_answers_back_in_request_order():
    keys = [3, 1, 3, 2, 1]
    batches = group_in_order(keys, 2)
    seen = []

    def run(indices):
        seen.append(list(indices))
        return [f"item{index}" for index in indices]

    assert run_batches(batches, len(keys), run) == [f"item{index}" for index in range(len(keys))]
    assert seen == batches


def test_run_batches_refuses_a_short_answer_or_a_gap():
    with pytest.raises(RuntimeError, match="produced 1 results"):
        run_batches([[0, 1]], 2, lambda indices: ["only one"])
    with pytest.raises(RuntimeError, match="in no batch"):
        run_batches([[0]], 2, lambda indices: ["x"])
    with pytest.raises(RuntimeError, match="more than one batch"):
        run_batches([[0], [0, 1]], 2, lambda indices: ["x"] * len(indices))
