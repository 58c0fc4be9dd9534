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

import contextlib
import json
import math
import os
import pickle
import resource
import subprocess
import sys
import threading
from pathlib import Path

from .reading import FileRefused, Sheet, Workbook
from .translate import gettext as _
from .translate import install, setting

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
    return setting("IMPORT_PARSER_MEMORY_MB", 1024)


def time_limit_seconds() -> float:
    return setting("IMPORT_PARSER_SECONDS", 120)


def read_isolated(content: bytes, file_name: str) -> Workbook:
    """The workbook read by a limited child process, or FileRefused."""
    from django.conf import settings
    from django.utils import translation

    config = {
        "file_name": file_name[:255],
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "settings": {name: getattr(settings, name) for name in READER_SETTINGS if hasattr(settings, name)},
        "locale_paths": [str(path) for path in settings.LOCALE_PATHS] + [str(Path(__file__).parent / "locale")],
        "memory_mb": memory_limit_mb(),
        "cpu_seconds": max(1, math.ceil(time_limit_seconds())),
    }
    answer, returncode, timed_out = _run_child(config, content)
    if timed_out:
        raise FileRefused(
            _("文件解析超过时限（%(seconds)s 秒），已停止，不予导入。") % {"seconds": time_limit_seconds()}
        )
    if returncode != 0 or answer is None:
        raise FileRefused(
            _("文件解析超出资源上限（内存 %(memory)d MB）或解析器异常退出，不予导入。请检查文件是否损坏或范围异常。")
            % {"memory": memory_limit_mb()}
        )
    if not isinstance(answer, tuple) or answer[0] not in ("ok", "refused"):
        raise FileRefused(_("文件解析结果无效，不予导入。"))
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


def _run_child(config: dict, content) -> tuple[object, int, bool]:
    """(answer or None, exit status, timed out). The answer is unpickled straight from the
    pipe, and the upload is written from the buffer it is in: the web process never holds
    a second copy of either."""
    process = subprocess.Popen(  # noqa: S603 - our own parser module, fixed arguments, no shell
        [sys.executable, "-s", "-m", "apps.imports.sandbox", json.dumps(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=_child_environment(),
    )
    timed_out = threading.Event()

    def stop():
        timed_out.set()
        process.kill()

    def feed():
        try:
            process.stdin.write(content)
        except (BrokenPipeError, OSError):
            pass  # the child stopped reading: it refused or died, its answer says which
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()

    timer = threading.Timer(time_limit_seconds(), stop)
    writer = threading.Thread(target=feed, daemon=True)
    timer.start()
    writer.start()
    answer = None
    try:
        answer = _SafeUnpickler(process.stdout).load()
    except Exception:  # a child that died mid-answer, or a subverted one: a refusal, not a crash
        answer = None
    finally:
        process.stdout.close()
        returncode = process.wait()
        timer.cancel()
        writer.join(timeout=5)
    return answer, returncode, timed_out.is_set()


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
    install(language=config["language"], locale_paths=config["locale_paths"], settings=config["settings"])
    from .reading import read_workbook

    try:
        book = read_workbook(content, config["file_name"])
    except FileRefused as exc:
        return ("refused", str(exc))
    except MemoryError:
        return ("refused", _("文件解析超出内存上限，不予导入。"))
    except Exception as exc:  # whatever a damaged file makes a parser raise, the answer is a refusal
        return ("refused", _("文件已损坏或格式不受支持，无法读取：%(error)s") % {"error": str(exc)[:200]})
    return (
        "ok",
        book.file_format,
        book.encoding,
        [str(warning) for warning in book.warnings],
        [(s.name, s.rows, s.merged, s.hidden_rows, s.hidden_columns) for s in book.sheets],
    )


if __name__ == "__main__":
    answer = _child(json.loads(sys.argv[1]))
    pickler = pickle.Pickler(sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # no memo: cells are not shared, and the memo doubles the time
    pickler.dump(answer)
    sys.stdout.buffer.flush()
