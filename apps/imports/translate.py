"""gettext and settings for the code that also runs in the parser child (reading.py,
extent.py). The child does not load Django: importing it costs more than reading most
files. There the catalogues are Django's own .mo files read by the standard library,
and the limits are the ones the parent passed."""

import gettext as stdlib_gettext

_catalogue: stdlib_gettext.NullTranslations | None = None
_settings: dict | None = None


def install(*, language: str, locale_paths: list[str], settings: dict) -> None:
    """In the child: the parent's language and limits."""
    global _catalogue, _settings
    _catalogue = stdlib_gettext.NullTranslations()
    for path in locale_paths:
        # Django names a catalogue's directory by locale ("zh_Hans"), its language code "zh-hans".
        locale = language.replace("-", "_").replace("_hans", "_Hans").replace("_hant", "_Hant")
        found = stdlib_gettext.translation("django", localedir=path, languages=[locale], fallback=True)
        found.add_fallback(_catalogue)
        _catalogue = found
    _settings = dict(settings)


def gettext(message: str) -> str:
    if _catalogue is not None:
        return _catalogue.gettext(message)
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)


def setting(name: str, default):
    if _settings is not None:
        return _settings.get(name, default)
    from django.conf import settings

    return getattr(settings, name, default)
