"""Generated demo media: cover images, supplier logos and small test-report PDFs."""

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
PALETTES = {
    "根及根茎类": ((139, 94, 52), (214, 170, 110)),
    "果实种子类": ((158, 42, 43), (232, 140, 90)),
    "花类": ((176, 72, 130), (245, 190, 120)),
    "全草类": ((47, 107, 79), (150, 200, 120)),
    "叶类": ((40, 120, 70), (190, 220, 140)),
    "皮类": ((110, 70, 45), (190, 140, 100)),
    "菌藻类": ((90, 70, 60), (200, 180, 150)),
    "动物类": ((80, 60, 90), (190, 160, 180)),
    "矿物类": ((70, 90, 110), (190, 200, 215)),
}
DEFAULT_PALETTE = ((47, 107, 79), (200, 170, 100))


def _font(size: int) -> ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def cover_jpeg(text: str, subtitle: str, category: str, rng: random.Random) -> bytes:
    """A 960×540 gradient cover with scattered leaf shapes and the material name."""
    dark, light = PALETTES.get(category, DEFAULT_PALETTE)
    image = Image.new("RGB", (960, 540), dark)
    draw = ImageDraw.Draw(image)
    for y in range(540):
        t = y / 539
        draw.line(
            [(0, y), (960, y)],
            fill=tuple(int(lo + (hi - lo) * t) for lo, hi in zip(dark, light, strict=True)),
        )
    for _ in range(14):
        x, y, r = rng.randint(0, 960), rng.randint(0, 540), rng.randint(30, 110)
        draw.ellipse([x - r, y - r // 2, x + r, y + r // 2], outline=(255, 255, 255), width=2)
    draw.text((60, 300), text, font=_font(120), fill=(255, 255, 255))
    draw.text((64, 450), subtitle, font=_font(34), fill=(255, 250, 235))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def logo_png(initial: str, rng: random.Random) -> bytes:
    """A 192×192 logo: the company's first character on a coloured rounded square."""
    colour = rng.choice(list(PALETTES.values()))[0]
    image = Image.new("RGBA", (192, 192), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, 191, 191], radius=36, fill=colour)
    draw.text((40, 30), initial, font=_font(112), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def report_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with ASCII text (a real, viewable file; built by hand, no extra library)."""
    text = [f"BT /F1 18 Tf 56 780 Td ({_pdf_escape(title)}) Tj ET"]
    for i, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 56 {740 - 18 * i} Td ({_pdf_escape(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _pdf_escape(text: str) -> str:
    safe = text.encode("ascii", "replace").decode("ascii")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
