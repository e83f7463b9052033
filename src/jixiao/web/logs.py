"""The error log file: a rotating file in a private directory that never stops the server.

Django's own loggers (``django.request``: every 500 with its traceback) and the platform's
(``jixiao``) write errors here and to standard error. A log file that cannot be opened (a read-only
data directory) leaves standard error as the only record instead of failing the start.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """``path`` created if missing, readable by this user only (0700): it holds the database, the secret
    key, the evidence files and the error log. An existing directory is tightened, never loosened."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.stat().st_mode & 0o077:
            path.chmod(path.stat().st_mode & 0o700)
    except OSError:
        pass  # a read-only place: whoever set it up decided its rights
    return path


class ErrorFileHandler(logging.handlers.RotatingFileHandler):
    """A :class:`~logging.handlers.RotatingFileHandler` whose file is private (0600) and created lazily."""

    def __init__(self, filename: str, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("encoding", "utf-8")
        super().__init__(filename, delay=True, **kwargs)

    def _open(self):  # noqa: ANN202
        path = Path(self.baseFilename)
        private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except OSError:  # pragma: no cover - a full or read-only disk: stderr still has it
            pass
