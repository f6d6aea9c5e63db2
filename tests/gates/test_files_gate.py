"""The files gate (issues.attachments): whichever surface a file comes through — the report
form, the REST API (in-memory or spooled to disk), Open311 has none, staff photos — a photo
declaring too many pixels is refused from its header before decoding, a phone-sized photo is
taken, and a PDF keeps its pages but none of its actions."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from issues.attachments import AttachmentRejected, prepare
from issues.models import Attachment, Complaint
from tests.factories import StaffMembershipFactory
from tests.gates.common import report_fields

pytestmark = pytest.mark.django_db


def bomb_png(side: int = 13_000) -> bytes:
    """A 1-bit PNG of side × side pixels: ~20 KB on the wire, side² bytes once decoded."""
    out = io.BytesIO()
    Image.new("1", (side, side), 0).save(out, format="PNG", optimize=True)
    return out.getvalue()


def phone_jpeg(target_bytes: int = 3_900_000) -> bytes:
    """A noisy JPEG of a phone's size (12 MP class), about `target_bytes` long."""
    side = 2000
    while True:
        noise = Image.effect_noise((side, side), 90).convert("RGB")
        out = io.BytesIO()
        noise.save(out, format="JPEG", quality=95)
        if out.tell() >= target_bytes:
            return out.getvalue()
        side += 400


def test_a_photo_declaring_too_many_pixels_is_refused_from_its_header(settings):
    settings.ATTACHMENT_MAX_PIXELS = 40_000_000
    upload = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    with pytest.raises(AttachmentRejected) as refused:
        prepare(upload)

    assert "40 mégapixels" in str(refused.value.message)


def test_the_pixel_cap_is_a_setting(settings):
    settings.ATTACHMENT_MAX_PIXELS = 1_000_000
    image = io.BytesIO()
    Image.new("RGB", (1200, 900)).save(image, format="JPEG")

    with pytest.raises(AttachmentRejected):
        prepare(SimpleUploadedFile("p.jpg", image.getvalue(), content_type="image/jpeg"))

    settings.ATTACHMENT_MAX_PIXELS = 2_000_000
    assert prepare(SimpleUploadedFile("p.jpg", image.getvalue())).kind == "image"


def test_pillows_bomb_warning_is_an_error_not_a_warning(settings):
    """Above the cap Pillow only warns (up to twice its own limit): that warning refuses."""
    settings.ATTACHMENT_MAX_PIXELS = 10**12
    Image.MAX_IMAGE_PIXELS, saved = 1_000_000, Image.MAX_IMAGE_PIXELS
    try:
        with pytest.raises(AttachmentRejected):
            prepare(SimpleUploadedFile("b.png", bomb_png(1200), content_type="image/png"))
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def test_the_image_bomb_is_refused_by_the_report_form_and_nothing_is_stored(client, point_in):
    upload = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    response = client.post("/report/", {**report_fields(point_in("anfa")), "attachments": upload})

    assert response.status_code == 400
    assert "mégapixels" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_image_bomb_is_refused_by_the_api_and_nothing_is_stored(client, point_in):
    upload = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    response = client.post(
        "/api/v1/complaints/", {**report_fields(point_in("anfa")), "attachments": upload}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "attachments" in response.json()["fields"]
    assert not Complaint.objects.exists()


def test_a_phone_photo_over_the_in_memory_limit_is_filed_through_the_api(client, point_in):
    """A 3.9 MB photo is spooled to a temporary file by Django (FILE_UPLOAD_MAX_MEMORY_SIZE is
    2.5 MB): the API used to deep-copy it with the form's fields and answer 500."""
    photo = phone_jpeg()
    assert len(photo) > 2_621_440
    upload = SimpleUploadedFile("phone.jpg", photo, content_type="image/jpeg")

    response = client.post(
        "/api/v1/complaints/", {**report_fields(point_in("anfa")), "attachments": upload}
    )

    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert complaint.attachments.get().kind == Attachment.Kind.IMAGE


def test_the_bomb_is_refused_as_a_staff_photo_too(client, report_in):
    complaint = report_in("anfa")
    agent = StaffMembershipFactory(authority=complaint.authority).user
    client.force_login(agent)
    upload = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")

    response = client.post(
        f"/api/v1/staff/complaints/{complaint.reference}/photo/", {"photo": upload}
    )

    assert response.status_code == 400
    assert not complaint.attachments.exists()


def pdf_with_actions() -> bytes:
    """A one-page PDF that runs JavaScript on opening, has a page action, a JavaScript link
    annotation, a web link, and an embedded file."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('owned')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script)})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [TextStringObject("named"), writer._add_object(script)]
                    )
                }
            )
        }
    )
    writer.add_attachment("payload.exe", b"MZ-not-really")
    for action in (
        script,
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://casablanca.ma/"),
            }
        ),
    ):
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 50, 50)]),
                NameObject("/A"): action,
            }
        )
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(writer._add_object(annotation))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_keeps_its_pages_and_links_but_none_of_its_actions():
    original = pdf_with_actions()
    assert b"/JavaScript" in original and b"/EmbeddedFile" in original

    prepared = prepare(SimpleUploadedFile("letter.pdf", original))

    stored = prepared.content.read()
    assert prepared.kind == "pdf"
    for active in (b"/JavaScript", b"/JS", b"/OpenAction", b"/EmbeddedFile", b"/AA", b"MZ-not"):
        assert active not in stored, active
    reader = PdfReader(io.BytesIO(stored))
    assert len(reader.pages) == 1
    annotations = [a.get_object() for a in reader.pages[0]["/Annots"]]
    actions = [a["/A"]["/S"] for a in annotations if "/A" in a]
    assert (len(annotations), actions) == (2, ["/URI"])  # the script's link kept, inert


def test_a_pdf_sent_with_a_report_is_stored_without_its_script(client, point_in):
    upload = SimpleUploadedFile("letter.pdf", pdf_with_actions(), content_type="application/pdf")

    response = client.post(
        "/api/v1/complaints/", {**report_fields(point_in("anfa")), "attachments": upload}
    )

    assert response.status_code == 201
    stored = Complaint.objects.get().attachments.get()
    with stored.file.open("rb") as file:
        assert b"/JavaScript" not in file.read()


def test_a_json_report_with_a_list_for_its_title_is_refused(client, point_in):
    body = {**report_fields(point_in("anfa")), "title": ["a", "b"]}

    response = client.post(
        "/api/v1/complaints/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )

    assert response.status_code == 400
    assert "title" in response.json()["fields"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/complaints/", "/report/"])
def test_over_real_http_the_bomb_is_refused_and_the_phone_photo_filed(live_city, point_in, path):
    """On the live server (a real socket, Django's upload handlers spooling to disk): the same
    answers as in process."""
    import requests

    fields = {**report_fields(point_in("anfa")), "kind": "complaint"}
    browser = requests.Session()
    browser.get(f"{live_city.url}/report/", timeout=60)  # the form's CSRF cookie
    headers = {
        "X-Requested-With": "fetch",  # the report page's own script: JSON answers
        "X-CSRFToken": browser.cookies.get("csrftoken", ""),
        "Referer": f"{live_city.url}/report/",
    }
    bomb = browser.post(
        f"{live_city.url}{path}",
        data=fields,
        files={"attachments": ("bomb.png", bomb_png(), "image/png")},
        headers=headers,
        timeout=60,
    )
    photo = browser.post(
        f"{live_city.url}{path}",
        data=fields,
        files={"attachments": ("phone.jpg", phone_jpeg(), "image/jpeg")},
        headers=headers,
        timeout=60,
    )

    assert bomb.status_code == 400
    assert photo.status_code == 201, photo.text[:500]
    assert Complaint.objects.get().attachments.count() == 1
