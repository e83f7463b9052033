"""Hostile PDFs, built byte by byte for the hardening tests and the fuzzing harness (no files committed).

Each is small (kilobytes) and costs a naive reader seconds to minutes and gigabytes (issue 22):
``pages(n)`` a valid PDF of ``n`` empty pages; ``flate_bomb()`` a page whose content is compressed
twice over (kilobytes that expand to gigabytes); ``rules_bomb()`` a page drawing a million rules.
"""

from __future__ import annotations

import zlib


def build(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (object 1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, filters: bytes = b"") -> bytes:
    head = b"<< /Length %d%s >>" % (len(data), b" /Filter " + filters if filters else b"")
    return head + b"\nstream\n" + data + b"\nendstream"


def pages(n: int, text: bytes = b"") -> bytes:
    """A PDF of ``n`` pages sharing one content stream (``text`` in a BT/ET block, or empty)."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET" if text else b""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
               _stream(content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
                b"/Resources << /Font << /F1 4 0 R >> >> >>"] * n
    return build(objects)


def _one_page(content: bytes, filters: bytes) -> bytes:
    return build([b"<< /Type /Catalog /Pages 2 0 R >>",
                  b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                  b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                  _stream(content, filters)])


def flate_bomb(expanded: int = 2 * 1024 ** 3) -> bytes:
    """One page whose content stream is deflated twice: some kilobytes that expand to ``expanded`` bytes of spaces."""
    once = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    inner = b"".join(once.compress(chunk) for _ in range(expanded >> 20)) + once.flush()
    return _one_page(zlib.compress(inner, 9), b"[/FlateDecode /FlateDecode]")


def rules_bomb(rules: int = 1_000_000) -> bytes:
    """One page drawing ``rules`` short rules (pdfplumber's table finder is quadratic in them)."""
    ops = b"".join(b"%d %d m %d %d l S\n" % (i % 60, i % 78, i % 60 + 3, i % 78) for i in range(rules))
    return _one_page(zlib.compress(ops, 9), b"/FlateDecode")
