"""An image whose header claims a huge size is refused with a clear message before any pixel is decoded."""

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases import services
from tests.builders import nominate, required_evidence_items


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG header that claims width x height pixels (the data is one compressed row)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def add(world, data: bytes):
    case = nominate(world)
    item = required_evidence_items(case).first()
    upload = SimpleUploadedFile("anh.png", data, content_type="image/png")
    try:
        with translation.override("vi"):
            services.add_evidence(case, item=item, upload=upload, actor=world.user("officer_a1"))
    finally:
        assert case.evidence.count() == 0


def test_a_header_past_pillows_ceiling_is_refused_as_a_bomb(world):
    with pytest.raises(ValidationError) as err:
        add(world, png_claiming(100_000, 100_000))
    assert "anh.png" in " ".join(err.value.messages)
    assert "quá nhiều điểm ảnh" in " ".join(err.value.messages)


def test_a_header_past_the_configured_limit_names_the_size(world):
    with pytest.raises(ValidationError) as err:
        add(world, png_claiming(9_000, 9_000))  # 81 MP: under Pillow's ceiling, over the 60 MP setting
    assert "9000 × 9000" in " ".join(err.value.messages)


def test_the_limit_is_a_setting(world, settings):
    settings.RECOGNITION = {**settings.RECOGNITION, "IMAGE_MAX_PIXELS": 100}
    with pytest.raises(ValidationError) as err:
        add(world, png_claiming(11, 10))
    assert "11 × 10" in " ".join(err.value.messages)
