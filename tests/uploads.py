"""Hostile files for upload tests."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG of a few dozen bytes whose header claims `width` × `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 32))
        + _chunk(b"IEND", b"")
    )


def bomb_upload(name: str = "bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, bomb_png(), content_type="image/png")
