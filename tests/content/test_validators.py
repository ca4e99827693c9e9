"""Test-report uploads: PDF only, and no larger than the configured cap."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from content.demo_media import report_pdf
from content.validators import validate_report_file
from content.views import server_error


def test_accepts_a_real_pdf_under_the_cap_and_leaves_it_readable():
    pdf = report_pdf("ok", ["line"])
    upload = SimpleUploadedFile("r.pdf", pdf)
    upload.read(3)  # a caller midway through the file gets its position back

    result = validate_report_file(upload, max_size=len(pdf))

    assert result is None
    assert upload.tell() == 3
    upload.seek(0)
    assert upload.read() == pdf


@pytest.mark.parametrize(
    ("name", "content", "max_size", "code"),
    [
        ("r.pdf", b"%PDF-1.4" + b"0" * 100, 50, "size"),
        ("r.docx", b"%PDF-1.4", 1000, "extension"),
        ("r.pdf", b"<html>not a pdf", 1000, "content"),
        ("r.pdf", b"", 1000, "content"),
    ],
    ids=["too-large", "wrong-extension", "html-disguised", "empty"],
)
def test_rejects_with_a_reason(name, content, max_size, code):
    with pytest.raises(ValidationError) as caught:
        validate_report_file(SimpleUploadedFile(name, content), max_size=max_size)

    assert caught.value.code == code


def test_size_error_names_both_sizes():
    with pytest.raises(ValidationError) as caught:
        validate_report_file(SimpleUploadedFile("r.pdf", b"%PDF-" + b"0" * 2043), max_size=1024)

    assert caught.value.messages == ["报告大小为 2.0\xa0KB，上限为 1.0\xa0KB。"]


def test_server_error_page_needs_no_database_or_context():
    response = server_error(RequestFactory().get("/boom/"))

    assert response.status_code == 500
    assert "服务器出了问题" in response.content.decode()
