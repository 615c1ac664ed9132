"""A saved narrative model is loaded with int8 weights and scores like the float model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from narrascope.backends.narratives_linear import LinearNarrativeModel
from narrascope.semeval.data import Example
from narrascope.taxonomy.narratives import Taxonomy
from narrascope.train.narratives import TrainConfig, train_model

TAX = Taxonomy.from_json(
    {"WAR": {"Blame the neighbour": ["The neighbour started it"]}, "CLIM": {"Heat hoax": []}}
)
# written for this test
DOCS = [
    ("The neighbour started the war, officials said.", ["WAR: Blame the neighbour"],
     ["WAR: Blame the neighbour: The neighbour started it"]),
    ("Officials repeat that the neighbour started the shelling.", ["WAR: Blame the neighbour"],
     ["WAR: Blame the neighbour: The neighbour started it"]),
    ("The heat wave is a hoax made up by broken thermometers.", ["CLIM: Heat hoax"],
     ["CLIM: Heat hoax: Other"]),
    ("Again a hoax: the heat is invented, says a blogger.", ["CLIM: Heat hoax"],
     ["CLIM: Heat hoax: Other"]),
    ("A new bakery opened on Main Street selling bread.", ["Other"], ["Other"]),
    ("The football club won the cup after penalties.", ["Other"], ["Other"]),
]  # fmt: skip
CFG = TrainConfig(max_word_features=500, max_char_features=1000, min_df=1, lambdas=(0.01,),
                  other_scales=(1.0,), label_scales=(1.0,), sub_scales=(1.0,))  # fmt: skip


def test_loaded_weights_stay_int8_and_scores_match(tmp_path: Path) -> None:
    exs = [Example(f"D{i}.txt", "EN", t, n, s) for i, (t, n, s) in enumerate(DOCS)]
    model = train_model(exs, TAX, CFG)
    model.save(tmp_path / "m")
    loaded = LinearNarrativeModel.load(tmp_path / "m")
    assert loaded.weights.dtype == np.int8
    assert loaded.weight_scale is not None and loaded.weight_scale.shape == (len(model.labels),)
    text = "Officials say the neighbour started the war; the heat hoax is a distraction."
    s_float = model.raw_scores(model.featurize(text), "en")
    s_int8 = loaded.raw_scores(loaded.featurize(text), "en")
    # per-label quantisation error: at most half a step per feature times the value sum
    fz = loaded.featurize(text)
    bound = 0.5 * loaded.weight_scale * float(np.abs(fz.vals).sum()) + 1e-5
    assert np.all(np.abs(s_float - s_int8) <= bound)
    p1, _ = model.predict(text, "en")
    p2, _ = loaded.predict(text, "en")
    assert p1.narrative_labels == p2.narrative_labels
    # attribution over segments sums to the feature part of the score with int8 weights too
    label = p2.narrative_labels[0]
    parts = loaded.contributions(fz, label, [(0, 37), (37, len(text))])
    j = loaded.label_index[label]
    feat_score = s_int8[j] - loaded.bias[j] - loaded.language_bias("en")[j]
    assert abs(parts.sum() - feat_score) < 1e-4
