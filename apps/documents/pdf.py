"""PDF from a .docx through LibreOffice, when it is installed (optional: detected, never
required). None when it is absent or fails; callers offer the PDF only when they got one."""

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 60


def libreoffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes | None:
    binary = libreoffice_path()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="kp-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 - LibreOffice found on this machine, fixed arguments, no shell
                [
                    binary,
                    "--headless",
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        target = Path(folder) / "document.pdf"
        return target.read_bytes() if target.is_file() else None
