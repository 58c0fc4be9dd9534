"""The English catalogue is complete, placeholder-safe and compiled."""

import ast
import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
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
        plural = _unquote(entry["msgid_plural"]) if "msgid_plural" in entry else None
        strs = [_unquote(value) for name, value in sorted(entry.items()) if name.startswith("msgstr")]
        result.append((msgid, plural, strs, entry_flags))
    return result


def test_every_entry_is_translated_and_not_fuzzy():
    entries = parse_po(PO)
    assert len(entries) > 100
    missing = [msgid for msgid, _, strs, flags in entries if "fuzzy" in flags or not all(strs)]
    assert missing == []


def test_placeholders_survive_translation():
    for msgid, _, strs, _ in parse_po(PO):
        for translated in strs:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translated)), msgid


def test_compiled_catalogue_matches_the_po():
    with open(PO.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, plural, strs, _ in parse_po(PO):
        if plural is None:
            assert compiled.gettext(msgid) == strs[0], msgid
