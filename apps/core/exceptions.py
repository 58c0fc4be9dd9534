from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    """The object was saved by someone else since the editor loaded it."""

    message = _(
        "该记录已被他人修改（当前版本 %(current)s，您编辑的版本 %(expected)s）。请刷新后重新编辑，您的修改未保存。"
    )

    def __init__(self, *, current: int, expected: int):
        self.current = current
        self.expected = expected
        super().__init__(str(self))

    def __str__(self):
        return str(self.message % {"current": self.current, "expected": self.expected})
