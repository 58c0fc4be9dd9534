"""The speech sentences: verbatim from the speeches, one binding per placeholder, known keys."""

from pathlib import Path

import pytest

from apps.dashboard.speech import SLOT, SPEECHES, extra_sets, indicator_refs
from apps.statistics.indicators import indicator_definitions, parse_project_set

SEEDS = Path("/work/shared/seeds")
CONTEXT = {"sub_regions", "year", "first_month", "month", "statistics_threshold"}


def test_every_placeholder_has_one_binding():
    for speech in SPEECHES:
        for sentence in speech.sentences:
            assert len(SLOT.findall(sentence.text)) == len(sentence.slots), sentence.text
            assert sentence.slots or sentence.hints, sentence.text


def test_bindings_name_known_indicators_sets_and_context():
    keys = set(indicator_definitions())
    for key, project_set in indicator_refs():
        assert key in keys, key
        if project_set:
            parse_project_set(project_set)
    for project_set in extra_sets():
        parse_project_set(project_set)
    for speech in SPEECHES:
        for sentence in speech.sentences:
            for slot in sentence.slots:
                if slot.startswith("ctx:"):
                    assert slot.removeprefix("ctx:") in CONTEXT
                if slot.startswith("manual:"):
                    assert slot.removeprefix("manual:"), "say what is to be filled in"


def test_figures_unknown_to_keyprojects_are_manual():
    manual = [slot for speech in SPEECHES for sentence in speech.sentences for slot in sentence.slots]
    assert sum(slot.startswith("manual:") for slot in manual) == 6  # bonds 2, tonnages 4
    # The deadline (month, day) and the month first emphasised come from a light rule (apps/lights).
    assert sum(slot.startswith("rule:") for slot in manual) == 3
    texts = {sentence.text: sentence.slots for speech in SPEECHES for sentence in speech.sentences}
    bonds = next(slots for text, slots in texts.items() if "一般专项债项目" in text)
    assert all(slot.startswith("manual:") for slot in bonds)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the speech texts are not on this machine")
def test_sentences_are_verbatim_from_the_speeches():
    source = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    for speech in SPEECHES:
        for sentence in speech.sentences:
            assert sentence.text.replace("{year}", "2022") in source, sentence.text
