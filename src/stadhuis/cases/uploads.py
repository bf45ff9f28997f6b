"""Attachment checks: type by content (not by name), size limit, location metadata removed.

Accepted: JPEG and PNG photos (opened and re-encoded by Pillow, which also drops EXIF
GPS data unless the resident chose to keep it) and PDF documents (recognised by their
header). Anything else is refused with a plain message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from stadhuis.core.errors import InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
GPS_TAG = 0x8825

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class CleanUpload:
    content: ContentFile
    name: str
    content_type: str
    size: int
    location_removed: bool


def _safe_name(name: str, extension: str) -> str:
    stem = "".join(
        ch for ch in (name.rsplit(".", 1)[0] or "bijlage") if ch.isalnum() or ch in "-_ "
    )
    return f"{stem.strip()[:80] or 'bijlage'}.{extension}"


def clean_upload(data: bytes, name: str, *, keep_location: bool = False) -> CleanUpload:
    if not data:
        raise InvalidInput(_("Het bestand is leeg."), field="attachments")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("Het bestand is te groot. Het mag hoogstens 10 MB zijn."), field="attachments"
        )
    if data.startswith(b"%PDF-"):
        return CleanUpload(
            ContentFile(data), _safe_name(name, "pdf"), "application/pdf", len(data), False
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInput(
                    _("Deze foto is te groot. Stuur een kleinere foto."), field="attachments"
                )
            if image_format not in {"JPEG", "PNG"}:
                raise InvalidInput(
                    _("Dit soort bestand kunnen we niet aannemen."), field="attachments"
                )
            image.load()
            exif = image.getexif()
            had_location = GPS_TAG in exif
            if had_location and not keep_location:
                del exif[GPS_TAG]
            out = io.BytesIO()
            save_kwargs = {"exif": exif.tobytes()} if exif else {}
            image.save(out, format=image_format, **save_kwargs)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise InvalidInput(
            _("Dit soort bestand kunnen we niet aannemen. Stuur een foto (JPG of PNG) of een PDF."),
            field="attachments",
        ) from exc
    cleaned = out.getvalue()
    extension = "jpg" if image_format == "JPEG" else "png"
    return CleanUpload(
        ContentFile(cleaned),
        _safe_name(name, extension),
        f"image/{'jpeg' if image_format == 'JPEG' else 'png'}",
        len(cleaned),
        had_location and not keep_location,
    )
