"""Reading an untrusted upload in a separate process with hard limits.

No file may take the server down: calamine (Rust) aborts the whole process when an
allocation fails, and no check in Python can catch that. So the bytes are read by a
child process (`python -m apps.imports.sandbox`) with an address-space limit
(RLIMIT_AS, `IMPORT_PARSER_MEMORY_MB`, 1 GB), a CPU-time limit and a wall-clock limit
(`IMPORT_PARSER_SECONDS`), and no core files. A child that is refused, dies or runs out
of time becomes a `FileRefused` with a Chinese message; the caller (a request, a thread
or a job-queue worker: a plain subprocess works in all three, unlike multiprocessing in
a daemonic worker) never sees more than that.

The child answers with a pickle that the parent loads through an allow-list of classes,
so a child subverted by a hostile file still cannot make the parent run code.
"""

import io
import json
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .reading import FileRefused, Sheet, Workbook

ROOT = Path(__file__).resolve().parent.parent.parent
# The settings the reader uses, handed to the child (it runs without the project's settings).
READER_SETTINGS = (
    "IMPORT_MAX_BYTES",
    "IMPORT_MAX_ROWS",
    "IMPORT_MAX_CELLS",
    "IMPORT_MAX_MERGED_CELLS",
    "IMPORT_MAX_ZIP_MEMBERS",
    "IMPORT_MAX_UNCOMPRESSED",
    "IMPORT_MAX_ZIP_RATIO",
)
_ALLOWED = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
}


def memory_limit_mb() -> int:
    return getattr(settings, "IMPORT_PARSER_MEMORY_MB", 1024)


def time_limit_seconds() -> int:
    return getattr(settings, "IMPORT_PARSER_SECONDS", 120)


def read_isolated(content: bytes, file_name: str) -> Workbook:
    """The workbook read by a limited child process, or FileRefused."""
    config = {
        "file_name": file_name[:255],
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "settings": {name: getattr(settings, name) for name in READER_SETTINGS if hasattr(settings, name)},
        "locale_paths": [str(path) for path in settings.LOCALE_PATHS] + [str(Path(__file__).parent / "locale")],
        "memory_mb": memory_limit_mb(),
        "cpu_seconds": time_limit_seconds(),
    }
    try:
        result = subprocess.run(  # noqa: S603 - our own parser module, fixed arguments, no shell
            [sys.executable, "-s", "-m", "apps.imports.sandbox", json.dumps(config)],
            input=content,
            capture_output=True,
            timeout=time_limit_seconds(),
            cwd=ROOT,
            env=_child_environment(),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FileRefused(
            _("文件解析超过时限（%(seconds)d 秒），已停止，不予导入。") % {"seconds": time_limit_seconds()}
        ) from None
    if result.returncode != 0 or not result.stdout:
        raise FileRefused(
            _("文件解析超出资源上限（内存 %(memory)d MB）或解析器异常退出，不予导入。请检查文件是否损坏或范围异常。")
            % {"memory": memory_limit_mb()}
        )
    try:
        answer = _SafeUnpickler(io.BytesIO(result.stdout)).load()
    except Exception as exc:  # anything unexpected from the child is a refusal, not a crash
        raise FileRefused(_("文件解析结果无效，不予导入。")) from exc
    if answer[0] == "refused":
        raise FileRefused(str(answer[1]))
    _tag, file_format, encoding, warnings, sheets = answer
    return Workbook(
        file_format=file_format,
        encoding=encoding,
        warnings=list(warnings),
        sheets=[
            Sheet(name=name, rows=rows, merged=merged, hidden_rows=hidden_rows, hidden_columns=hidden_columns)
            for name, rows, merged, hidden_rows, hidden_columns in sheets
        ],
    )


def _child_environment() -> dict:
    # Only what Python needs to start: no secrets, no DATABASE_URL.
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "HOME", "VIRTUAL_ENV", "PYTHONPATH")
    return {key: os.environ[key] for key in keep if key in os.environ}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


# --- the child -----------------------------------------------------------------------


def _limit_self(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # it writes no file: stdout is a pipe


def _child(config: dict) -> tuple:
    _limit_self(config["memory_mb"], config["cpu_seconds"])
    content = sys.stdin.buffer.read()
    import django

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE=config["language"],
        LOCALE_PATHS=config["locale_paths"],
        INSTALLED_APPS=[],
        **config["settings"],
    )
    django.setup()
    translation.activate(config["language"])
    from .reading import read_workbook

    try:
        book = read_workbook(content, config["file_name"])
    except FileRefused as exc:
        return ("refused", str(exc))
    except MemoryError:
        return ("refused", _("文件解析超出内存上限，不予导入。"))
    return (
        "ok",
        book.file_format,
        book.encoding,
        [str(warning) for warning in book.warnings],
        [(s.name, s.rows, s.merged, s.hidden_rows, s.hidden_columns) for s in book.sheets],
    )


if __name__ == "__main__":
    answer = _child(json.loads(sys.argv[1]))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
