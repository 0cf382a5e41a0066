"""gdl_teach.epidemics.baselines: logistic regressions, blind to the network or handed contact counts."""
from __future__ import annotations

import pytest
import torch

from gdl_teach.epidemics import baselines, contacts, dataset, town


def _person_columns() -> list[int]:
    return [dataset.FEATURE_NAMES.index(c) for c in town.PERSON_FEATURES + dataset.GLOBAL_FEATURES]


def test_logistic_baseline_predicts_and_scores(splits: dict) -> None:
    person = baselines.fit_logistic(splits["train"], _person_columns(), "person features")
    prob, y = person.predict(splits["test"])
    assert prob.shape == y.shape and ((prob >= 0) & (prob <= 1)).all()
    n_sus = sum(int(d.mask.sum()) for d in splits["test"])
    assert prob.shape == (n_sus,)
    snap = splits["test"][0]
    scores = person.scores(snap)
    assert scores.shape == (snap.num_nodes,) and torch.allclose(scores[snap.mask], prob[:int(snap.mask.sum())])
    again = baselines.fit_logistic(splits["train"], _person_columns(), "person features").predict(splits["test"])[0]
    assert torch.equal(prob, again)


def test_susceptible_rows(splits: dict) -> None:
    X, y = baselines.susceptible_rows(splits["train"], [0, 8])
    assert X.shape == (y.shape[0], 2) and y.shape[0] == sum(int(d.mask.sum()) for d in splits["train"])


@pytest.mark.parametrize("columns", [[99], [], [1.0], [True], [-1]])
def test_columns_are_checked(splits: dict, columns: list) -> None:
    with pytest.raises(ValueError, match="columns"):
        baselines.fit_logistic(splits["train"], columns, "bad")


def test_baseline_needs_both_outcomes_and_one_snapshot_to_score(splits: dict) -> None:
    snap = splits["train"][0]
    never = snap.clone()
    never.y = torch.zeros_like(never.y)
    with pytest.raises(ValueError, match="both infected and not-infected"):
        baselines.fit_logistic([never], [0, 1], "constant")
    person = baselines.fit_logistic(splits["train"], [0, 1], "age")
    with pytest.raises(TypeError, match="one snapshot"):
        person.scores(splits["train"])
    with pytest.raises(ValueError, match="at least one snapshot"):
        baselines.susceptible_rows([], [0])


def test_contact_hops_append_the_contact_counts(splits: dict) -> None:
    cols = _person_columns()
    X0, y0 = baselines.susceptible_rows(splits["train"], cols)
    X2, y2 = baselines.susceptible_rows(splits["train"], cols, contact_hops=2)
    assert X2.shape == (X0.shape[0], len(cols) + 4) and (y0 == y2).all()
    snap = splits["train"][0]
    expected = contacts.contact_features(snap)[snap.mask].numpy()
    assert (X2[:int(snap.mask.sum()), len(cols):] == expected).all()
    model = baselines.fit_logistic(splits["train"], cols, "counts", contact_hops=1)
    prob, y = model.predict(splits["test"])
    assert prob.shape == y.shape and model.scores(splits["test"][0]).shape == (splits["test"][0].num_nodes,)
    with pytest.raises(ValueError, match="contact_hops"):
        baselines.fit_logistic(splits["train"], cols, "bad", contact_hops=3)


def test_contact_counts_see_what_the_blind_baselines_cannot(splits: dict) -> None:
    """On the fixture's outbreaks the counts rank the newly infected better than the person's own features."""
    from gdl_teach.core.metrics import roc_auc

    blind = baselines.fit_logistic(splits["train"], _person_columns(), "blind").predict(splits["test"])
    counts = baselines.fit_logistic(splits["train"], _person_columns(), "counts", contact_hops=2).predict(splits["test"])
    assert roc_auc(*counts) > roc_auc(*blind)
