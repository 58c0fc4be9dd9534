"""The speech sentences: verbatim from the speeches, one binding per placeholder, known keys."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from apps.dashboard.speech import (
    SLOT,
    SPEECHES,
    FilledSpeech,
    adapt_parts,
    extra_sets,
    fill,
    indicator_refs,
    period_name,
    period_replacements,
    speech_docx,
    time_phrase,
)
from apps.documents.readback import open_docx, runs_of
from apps.statistics.indicators import Indicator, IndicatorReport, indicator_definitions, parse_project_set

SEEDS = Path("/work/shared/seeds")
CONTEXT = {"sub_regions", "year", "first_month", "month", "statistics_threshold"}


def test_every_placeholder_has_one_binding():
    for speech in SPEECHES:
        for sentence in speech.sentences:
            assert len(SLOT.findall(sentence.text)) == len(sentence.slots), sentence.text
            for variant in sentence.variants:
                said = [slot for slot in sentence.slots if slot not in variant.unsaid]
                assert len(SLOT.findall(variant.text)) == len(said), variant.text
                assert set(variant.unsaid) <= set(sentence.slots)
                assert variant.slot in sentence.slots and variant.when in ("negative", "zero")
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
    assert sum(slot.startswith("manual:") for slot in manual) == 4  # tonnages 4
    # The deadline (month, day) and the month first emphasised come from a light rule (apps/lights).
    assert sum(slot.startswith("rule:") for slot in manual) == 3
    texts = {sentence.text: sentence.slots for speech in SPEECHES for sentence in speech.sentences}
    bonds = next(slots for text, slots in texts.items() if "一般专项债项目" in text)
    # The bond figures come from apps/bonds.
    assert bonds == ("bonds:applied", "bonds:passed")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the speech texts are not on this machine")
def test_sentences_are_verbatim_from_the_speeches():
    source = "".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    for speech in SPEECHES:
        for sentence in speech.sentences:
            assert (sentence.original or sentence.text).replace("{year}", "2022") in source, sentence.text


# --- wording that fits the data ---------------------------------------------------------


def _reports(**values):
    """Reports whose every indicator is 1 (or the value given), for filling."""
    from apps.statistics.indicators import indicator_definitions

    report = IndicatorReport(region_id=1, year=2026, month=11, project_set="all")
    for key, (label, unit, definition) in indicator_definitions().items():
        value = values.get(key, Decimal("1.00") if unit in ("亿元", "%", "个百分点") else 1)
        report.indicators[key] = Indicator(key=key, label=label, value=value, unit=unit, definition=definition)
    return {None: report, "leader": report}


CONTEXT_VALUES = {
    "sub_regions": (2, "个", ""),
    "year": (2026, "", ""),
    "first_month": (1, "", ""),
    "month": (11, "", ""),
    "statistics_threshold": (Decimal(500), "万元", ""),
    "bonds": {"applied": (3, "个", "", "#"), "passed": (2, "个", "", "#")},
}


def _text(reports, month=11) -> str:
    context = {**CONTEXT_VALUES, "month": (month, "", "")}
    return "\n".join(f.plain for f in fill(reports=reports, context=context, drill_url=lambda key, s: "#"))


def test_a_negative_gap_is_said_as_exceeding_without_the_sign():
    text = _text(_reports(period_gap=Decimal("-9.08"), target_plan_gap=Decimal("-3.50")))
    assert "-9.08" not in text and "-3.50" not in text
    assert "固定资产投资已超出增长1.0%的预期目标9.08亿元" in text
    assert "经初步梳理，年度计划投资超出目标3.50亿元。" in text
    assert "缺口" not in text.split("经初步梳理")[1].split("。")[0]


def test_a_positive_gap_keeps_the_speech_words_without_多_after_an_exact_figure():
    text = _text(_reports(period_gap=Decimal("9.08"), target_plan_gap=Decimal("259.43")))
    assert "与增长1.0%的预期目标还有9.08亿元的缺口" in text  # not "9.08亿多"
    assert "经初步梳理，缺口259.43亿元。" in text  # not "259.43多亿元"
    assert "亿多" not in text and "多亿元" not in text


def test_a_zero_gap_is_said_plainly():
    text = _text(_reports(period_gap=Decimal("0.00"), target_plan_gap=Decimal("0.00")))
    assert "固定资产投资与增长1.0%的预期目标持平，任务依然繁重。" in text
    assert "经初步梳理，年度计划投资与目标持平。" in text
    assert "0.00亿" not in text and "还有0.00" not in text


def test_period_words_fit_the_month():
    november = _text(_reports(), month=11)
    assert "半年时间就要过去" not in november and "上半年投资报统" not in november
    assert "现在全年只剩下不到两个月" in november
    assert "距离1-11月投资报统" in november
    june = _text(_reports(), month=6)
    assert "现在半年时间就要过去" in june and "距离上半年投资报统" in june
    assert "截至目前" in june and "截止目前" not in june
    assert [period_name(m) for m in (1, 2, 3, 6, 9, 12)] == ["1月", "1-2月", "一季度", "上半年", "前三季度", "全年"]
    assert time_phrase(12) == "现在全年即将结束" and time_phrase(8) == "现在全年时间已经过半"
    assert period_replacements(6)["截止目前"] == "截至目前"


def test_adapt_keeps_多_after_a_whole_count():
    from apps.dashboard.speech import Part

    parts = adapt_parts([Part("100", "value"), Part("多亿元")], {})
    assert "".join(p.text for p in parts) == "100多亿元"


def test_speech_docx_is_a_gbt9704_paper_without_duplicate_heading_numbers():
    speeches = fill(reports=_reports(), context=CONTEXT_VALUES, drill_url=lambda key, s: "#")
    document = open_docx(speech_docx(speeches, heading="示范市 · 1-11月", day=datetime.date(2026, 12, 1)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, not Letter
    headings = [p.text for p in document.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert len(headings) == len(set(headings))
    sub = next(p for p in document.paragraphs if p.text.startswith("（三）要全力推进新开工项目建设"))
    assert runs_of(document, sub)[0].east_asian_font == "楷体_GB2312"
    four = next(p for p in document.paragraphs if p.text.startswith("四、"))
    assert runs_of(document, four)[0].east_asian_font == "黑体"
    title = next(p for p in document.paragraphs if p.text == SPEECHES[0].title)
    assert runs_of(document, title)[0].size_pt == 22
    body = next(p for p in document.paragraphs if p.text.startswith("年初，我们确定了"))
    assert {r.size_pt for r in runs_of(document, body)} == {16}
    assert isinstance(speeches[0], FilledSpeech)
