"""Faces blurred on public photos, tested on real photographs shipped by scikit-image: the
public copy differs from the original in the face and nowhere else; photos without a face are
left as they are; the original stays staff-only; a moderator can set the blurred areas."""

from __future__ import annotations

import io

import numpy
import pytest
import skimage.data
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from districts.models import Authority
from issues.blur import blurred, clean_boxes, detect
from issues.models import Attachment
from issues.serializers import served_path
from tests.factories import StaffMembershipFactory
from tests.issues.test_report_pages import report_data
from tests.media import with_public_copies

pytestmark = pytest.mark.usefixtures("casablanca")

# 16-pixel JPEG blocks (4:2:0) touching a box can change a little with it; beyond them, nothing.
JPEG_BLOCK = 16


def photograph(name: str) -> Image.Image:
    return Image.fromarray(getattr(skimage.data, name)()).convert("RGB")


def as_upload(image: Image.Image, name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def pixels(content) -> numpy.ndarray:
    content.seek(0)
    return numpy.asarray(Image.open(io.BytesIO(content.read())).convert("RGB"), dtype=int)


def outside(mask_shape, boxes, margin: int) -> numpy.ndarray:
    keep = numpy.ones(mask_shape[:2], dtype=bool)
    for x, y, width, height in boxes:
        keep[max(0, y - margin) : y + height + margin, max(0, x - margin) : x + width + margin] = (
            False
        )
    return keep


# Eileen Collins's face in scikit-image's 512×512 astronaut portrait: about x 175–275, y 65–165.
FACE_CENTRE = (225, 115)


def face_box(boxes):
    """The box over the astronaut's face (Haar cascades may add a box elsewhere)."""
    covering = [
        box
        for box in boxes
        if box[0] < FACE_CENTRE[0] < box[0] + box[2] and box[1] < FACE_CENTRE[1] < box[1] + box[3]
    ]
    assert len(covering) == 1, boxes
    return covering[0]


def test_the_astronauts_face_is_found():
    x, y, width, height = face_box(detect(photograph("astronaut")))

    assert 140 < x < 200 and 40 < y < 90 and 90 < width < 160 and 90 < height < 160


def reported_photo(point, image: Image.Image):
    """A report with this photo through the page, and the worker's step after the commit."""
    Client().post("/report/", report_data(point, attachments=[as_upload(image)]))
    attachment = Attachment.objects.get()
    with_public_copies(attachment.complaint)
    attachment.refresh_from_db()
    return attachment


def stored_pixels(field) -> numpy.ndarray:
    with field.open("rb") as stored:
        return pixels(stored)


@pytest.mark.parametrize("name", ["coffee", "chelsea", "rocket", "camera"])
def test_photos_without_a_person_have_nothing_blurred(name, point_in):
    """(The cameraman's face is in profile against the light: not found, a known limit.)"""
    photo = reported_photo(point_in("anfa"), photograph(name))

    assert photo.blur_boxes == []
    with photo.file.open("rb") as original, photo.public_file.open("rb") as public:
        assert original.read() == public.read()  # the same file: nothing to blur


def test_the_public_copy_differs_from_the_original_in_the_face_and_nowhere_else(point_in):
    photo = reported_photo(point_in("anfa"), photograph("astronaut"))
    original, public = stored_pixels(photo.file), stored_pixels(photo.public_file)
    x, y, width, height = face_box(photo.blur_boxes)

    face_change = numpy.abs(
        original[y : y + height, x : x + width] - public[y : y + height, x : x + width]
    )
    assert face_change.mean() > 15  # the face is changed beyond small noise
    elsewhere = outside(original.shape, photo.blur_boxes, JPEG_BLOCK)
    assert elsewhere.mean() > 0.6  # most of the photo is outside the blurred areas
    # Elsewhere only the noise of encoding the stored JPEG once more.
    assert numpy.abs(original[elsewhere] - public[elsewhere]).mean() < 1


def test_the_thumbnail_is_made_from_the_public_copy(point_in):
    photo = reported_photo(point_in("anfa"), photograph("astronaut"))
    with photo.thumbnail.open("rb") as stored:
        thumbnail = Image.open(io.BytesIO(stored.read())).convert("RGB")
    with photo.public_file.open("rb") as stored:
        from_public = Image.open(io.BytesIO(stored.read())).convert("RGB")
    from_public.thumbnail(thumbnail.size)

    difference = numpy.abs(numpy.asarray(thumbnail, int) - numpy.asarray(from_public, int))
    assert difference.mean() < 3  # the same picture, give or take JPEG


def test_blurring_changes_exactly_the_boxes():
    image = photograph("chelsea")
    boxes = clean_boxes([[10, 20, 60, 40], [-5, -5, 20, 20], [400, 250, 500, 500]], image.size)

    result = numpy.asarray(blurred(image, boxes), int)

    assert boxes == [[10, 20, 60, 40], [0, 0, 15, 15], [400, 250, 51, 50]]
    untouched = outside(result.shape, boxes, 0)
    assert numpy.array_equal(result[untouched], numpy.asarray(image, int)[untouched])


@pytest.fixture
def reported_face(point_in):
    return reported_photo(point_in("anfa"), photograph("astronaut"))


def test_the_public_sees_the_blurred_copy_and_only_staff_the_original(reported_face, client):
    public, original = served_path(reported_face.public_file), served_path(reported_face.file)

    assert Client().get(public).status_code == 200
    assert Client().get(original).status_code == 404
    track = Client().get(f"/track/{reported_face.complaint.reference}/").content.decode()
    assert reported_face.public_file.name in track and reported_face.file.name not in track
    agent = StaffMembershipFactory(authority=Authority.objects.get(slug="anfa")).user
    client.force_login(agent)
    assert client.get(original).status_code == 200


def test_a_moderator_sets_the_blurred_areas_by_hand(reported_face, client):
    moderator = StaffMembershipFactory(
        role="moderator", authority=Authority.objects.get(slug="anfa")
    ).user
    old_public = reported_face.public_file.name
    client.force_login(moderator)

    answer = client.post(
        f"/staff/complaints/{reported_face.complaint.reference}/moderate/",
        {
            "decision": "blur",
            "reason": "Badge nominatif visible",
            "attachment": reported_face.pk,
            "boxes": "300 300 100 80",
        },
    )

    assert answer.status_code == 302
    reported_face.refresh_from_db()
    assert reported_face.blur_boxes == [[300, 300, 100, 80]]
    assert reported_face.public_file.name != old_public
    with reported_face.file.open("rb") as stored:
        original = pixels(stored)
    with reported_face.public_file.open("rb") as stored:
        public = pixels(stored)
    face = (slice(66, 160), slice(177, 270))
    assert numpy.abs(original[face] - public[face]).mean() < 3  # the face is no longer blurred
    assert numpy.abs(original[300:380, 300:400] - public[300:380, 300:400]).mean() > 5
    assert Client().get(f"/media/{old_public}").status_code == 404


def test_blur_boxes_must_be_four_whole_numbers(reported_face, client):
    moderator = StaffMembershipFactory(
        role="manager", authority=Authority.objects.get(slug="anfa")
    ).user
    client.force_login(moderator)

    answer = client.post(
        f"/staff/complaints/{reported_face.complaint.reference}/moderate/",
        {"decision": "blur", "reason": "x", "attachment": reported_face.pk, "boxes": "1 2 three"},
    )

    boxes_before = reported_face.blur_boxes
    assert answer.status_code == 400
    reported_face.refresh_from_db()
    assert reported_face.blur_boxes == boxes_before


def test_photos_received_before_blurring_get_their_public_copy(reported_face):
    from django.core.management import call_command

    Attachment.objects.filter(pk=reported_face.pk).update(public_file="", blur_boxes=[])
    assert (
        Client()
        .get(f"/track/{reported_face.complaint.reference}/")
        .content.decode()
        .count("/media/")
        == 0
    )

    call_command("make_public_copies")

    reported_face.refresh_from_db()
    assert reported_face.public_file
    face_box(reported_face.blur_boxes)
