"""Checking generated PDFs the way a reader would: they render to an image, and their text is extractable."""

import io
import subprocess

import pypdf


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def renders(data: bytes, tmp_path, name: str = "doc") -> bool:
    """pdftoppm turns the first page into a PNG (exit 0 and a non-empty image)."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(data)
    result = subprocess.run(  # noqa: S603 - fixed program, our own file
        ["/usr/bin/pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(source), str(tmp_path / name)],
        capture_output=True,
        check=False,
    )
    images = list(tmp_path.glob(f"{name}*.png"))
    return result.returncode == 0 and len(images) == 1 and images[0].stat().st_size > 0
