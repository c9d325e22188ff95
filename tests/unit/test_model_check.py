"""The check that the shipped classifier is what its training corpus makes
(``train.same_model``) forgives the last digits and nothing more."""

from __future__ import annotations

import copy

from consultations.moderation.train import same_model

MODEL = {
    "labels": ["disclosure", "self_harm"],
    "threshold": 1.036,
    "vocabulary": {" to": [2.65045, 1.17714, 0.09155], "oin": [4.92395, -0.89279, 0.44014]},
}


def test_last_digits_that_differ_between_machines_are_the_same_model():
    other = copy.deepcopy(MODEL)
    other["vocabulary"][" to"][1] = 1.1758  # seen between two processors, same versions
    assert same_model(other, MODEL)


def test_a_weight_edited_by_hand_is_another_model():
    other = copy.deepcopy(MODEL)
    other["vocabulary"]["oin"][1] = -0.8  # 10% off
    assert not same_model(other, MODEL)


def test_an_ngram_added_or_a_setting_changed_is_another_model():
    added = copy.deepcopy(MODEL)
    added["vocabulary"]["new"] = [1.0, 0.5, 0.5]
    assert not same_model(added, MODEL)
    moved = copy.deepcopy(MODEL)
    moved["threshold"] = 1.2
    assert not same_model(moved, MODEL)
