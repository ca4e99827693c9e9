"""Upload checks for test-report documents: real PDF content and a size cap."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"


def validate_report_file(file: File, max_size: int) -> None:
    """Raise ``ValidationError`` unless ``file`` is a PDF no larger than ``max_size`` bytes."""
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(".pdf"):
        raise ValidationError(_("Test reports must be PDF files (.pdf)."), code="extension")
    if file.size > max_size:
        raise ValidationError(
            _("The report is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(max_size)},
            code="size",
        )
    position = file.tell() if hasattr(file, "tell") and not file.closed else None
    file.open("rb")
    try:
        file.seek(0)
        head = file.read(len(PDF_MAGIC))
    finally:
        if position is not None:
            file.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(_("The file does not look like a PDF document."), code="content")
