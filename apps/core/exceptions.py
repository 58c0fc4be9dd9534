from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    """The object was saved by someone else since the editor loaded it."""

    message = _(
        "该记录已被他人修改（当前版本 %(current)s，您编辑的版本 %(expected)s）。请刷新后重新编辑，您的修改未保存。"
    )
    # The same refusal naming the object (e.g. 招商线索“某某”).
    named_message = _(
        "%(what)s已被他人修改（当前版本 %(current)s，您编辑的版本 %(expected)s）。请刷新后重新编辑，您的修改未保存。"
    )

    def __init__(self, *, current: int, expected: int, what: str = ""):
        self.current = current
        self.expected = expected
        self.what = what
        super().__init__(str(self))

    def __str__(self):
        values = {"current": self.current, "expected": self.expected, "what": self.what}
        return str((self.named_message if self.what else self.message) % values)


def check_version(instance, expected_version: int, *, what: str) -> None:
    """Refuse a write based on a version other than the stored one; `what` names the object in
    the refusal. The version is required: without it the last writer would win."""
    if expected_version is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"version": _("修改时必须提交编辑时加载的版本号。")})
    if instance.version != expected_version:
        raise ConcurrentEditError(current=instance.version, expected=expected_version, what=what)
