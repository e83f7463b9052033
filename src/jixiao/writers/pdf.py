"""PDF of a report or a workbook through LibreOffice headless, and PDF pages as PNG (pdftoppm).

Each conversion runs in a fresh temporary directory with its own LibreOffice
profile (so parallel conversions do not collide and nothing of a user's profile
leaks in) and with the font substitutions of :mod:`jixiao.writers.fonts`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .fonts import fontconfig

PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-arphic-ukai fonts-arphic-gbsn00lp"
_CANDIDATES = ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")


class WriterError(Exception):
    """A file could not be written; the message (Chinese) says why and what to do."""


class PdfUnavailable(WriterError):
    """LibreOffice (or pdftoppm) is not installed."""


def office() -> str | None:
    """The LibreOffice executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in _CANDIDATES if os.access(path, os.X_OK)), None)


def available() -> bool:
    return office() is not None


def convert(data: bytes, suffix: str, to: str = "pdf", timeout: int = 180) -> bytes:
    """``data`` (a .docx or .xlsx, by ``suffix``) converted to ``to`` by LibreOffice headless."""
    program = office()
    if program is None:
        raise PdfUnavailable(f"生成 PDF 需要 LibreOffice，本机未安装。Debian/Ubuntu：apt-get install {PACKAGES}")
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        work = Path(tmp)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(work)), "HOME": str(work)}
        command = [program, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", to, "--outdir", str(work / "out"), str(source)]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise WriterError(f"LibreOffice 转换超时（{timeout} 秒）") from None
        except OSError as exc:
            raise WriterError(f"无法运行 LibreOffice（{program}）：{exc.strerror}") from None
        result = work / "out" / f"report.{to}"
        if done.returncode != 0 or not result.is_file():
            tail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()[-3:]
            raise WriterError(f"LibreOffice 转换失败（退出码 {done.returncode}）：{' '.join(tail) or '未生成文件'}")
        return result.read_bytes()


def pdf_pages_to_png(pdf: bytes, out_dir: Path, dpi: int = 80, first: int | None = None,
                     last: int | None = None, prefix: str = "page") -> list[Path]:
    """The PDF's pages (``first``..``last``, 1-based) as PNG files in ``out_dir``, in page order."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise PdfUnavailable("把 PDF 页面转为图片需要 pdftoppm，本机未安装。Debian/Ubuntu：apt-get install poppler-utils")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-png-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        command = [program, "-png", "-r", str(dpi)]
        if first is not None:
            command += ["-f", str(first)]
        if last is not None:
            command += ["-l", str(last)]
        done = subprocess.run([*command, str(source), str(out_dir / prefix)], capture_output=True, check=False)
        if done.returncode != 0:
            raise WriterError(f"pdftoppm 失败：{done.stderr.decode('utf-8', 'replace').strip()}")
    return sorted(out_dir.glob(f"{prefix}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
