"""Co-branding of kit files: the partner's logo and name go into a defined safe area.

Images: the bottom band (SAFE_AREA, fractions of the image) is painted white and gets the
logo on the left and the company name beside it. PDFs: one cover page is added in front,
drawn with reportlab using a CID font (HeiseiKakuGo-W5) so Japanese names render.
"""

from io import BytesIO
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

# (left, top, right, bottom) as fractions of the image: the bottom fifth.
SAFE_AREA = (0.0, 0.8, 1.0, 1.0)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
)


def safe_box(size: tuple[int, int]) -> tuple[int, int, int, int]:
    w, h = size
    left, top, right, bottom = SAFE_AREA
    return int(w * left), int(h * top), int(w * right), int(h * bottom)


def _font(px: int):
    path = getattr(settings, "PRM_COBRAND_FONT", "")
    for candidate in (path, *FONT_CANDIDATES):
        if candidate and Path(candidate).exists():
            return ImageFont.truetype(candidate, px)
    return ImageFont.load_default(size=px)


def cobrand_image(source, *, partner_name: str, logo=None) -> bytes:
    """The image with the partner's logo and name in the safe area, as PNG bytes."""
    image = Image.open(source)
    image.load()
    image = image.convert("RGB")
    box = safe_box(image.size)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=(255, 255, 255))
    band_h = box[3] - box[1]
    pad = max(2, band_h // 10)
    x = box[0] + pad
    if logo is not None:
        mark = Image.open(logo)
        mark.load()
        mark = mark.convert("RGBA")
        mark.thumbnail((max(1, (box[2] - box[0]) // 3), max(1, band_h - 2 * pad)))
        image.paste(mark, (x, box[1] + (band_h - mark.height) // 2), mark)
        x += mark.width + pad
    font = _font(max(8, band_h // 3))
    draw.text((x, box[1] + band_h // 2), partner_name, fill=(33, 37, 41), font=font, anchor="lm")
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def cover_page(*, title: str, partner_name: str, contact: str = "", logo=None) -> bytes:
    font = "HeiseiKakuGo-W5"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    _width, height = A4
    if logo is not None:
        pdf.drawImage(
            ImageReader(logo), 60, height - 200, width=120, height=120, preserveAspectRatio=True, mask="auto"
        )
    pdf.setFont(font, 26)
    pdf.drawString(60, height - 260, partner_name)
    pdf.setFont(font, 16)
    pdf.drawString(60, height - 300, title)
    if contact:
        pdf.setFont(font, 11)
        pdf.drawString(60, 80, contact)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def cobrand_pdf(source, *, title: str, partner_name: str, contact: str = "", logo=None) -> bytes:
    """The PDF with a co-branded cover page in front."""
    writer = PdfWriter()
    writer.append(
        PdfReader(BytesIO(cover_page(title=title, partner_name=partner_name, contact=contact, logo=logo)))
    )
    writer.append(PdfReader(source))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
