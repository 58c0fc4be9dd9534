"""The English catalogue is complete, placeholder-safe and compiled."""

import ast
import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project catalogue plus one per app that keeps its own (apps/<app>/locale), as makemessages writes them.
CATALOGUES = sorted(
    [ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po", *ROOT.glob("apps/*/locale/en/LC_MESSAGES/django.po")]
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


def _unquote(lines):
    # .po strings are C-style quoted literals, which Python literal syntax reads the same way.
    return "".join(ast.literal_eval(line) for line in lines)


def parse_po(path: Path):
    """(msgid, msgid_plural, [msgstr...], flags) for every entry except the header."""
    entries, current, key, flags = [], {}, None, set()
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append((current, flags))
            current, key, flags = {}, None, set()
        elif line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key].append(line)
        else:
            key, _, rest = line.partition(" ")
            current[key] = [rest]
    result = []
    for entry, entry_flags in entries:
        msgid = _unquote(entry["msgid"])
        if not msgid:
            continue
        if "msgctxt" in entry:
            # Compiled catalogues key an entry with a context (pgettext) as "context\x04msgid".
            msgid = _unquote(entry["msgctxt"]) + "\x04" + msgid
        plural = _unquote(entry["msgid_plural"]) if "msgid_plural" in entry else None
        strs = [_unquote(value) for name, value in sorted(entry.items()) if name.startswith("msgstr")]
        result.append((msgid, plural, strs, entry_flags))
    return result


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_entry_is_translated_and_not_fuzzy(po):
    entries = parse_po(po)
    assert len(entries) > 10
    missing = [msgid for msgid, _, strs, flags in entries if "fuzzy" in flags or not all(strs)]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_placeholders_survive_translation(po):
    for msgid, _, strs, _ in parse_po(po):
        for translated in strs:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translated)), msgid


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_po(po):
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, plural, strs, _ in parse_po(po):
        if plural is None:
            assert compiled.gettext(msgid) == strs[0], msgid
