"""Helpers to drive the video library's admin forms in tests."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.models import Collection


ADD_URL = "/admin/snippets/media_assets/video/add/?locale=en"


def edit_url(video):
    return "/admin/snippets/media_assets/video/edit/%d/" % video.pk


def video_form(title="Summit arrivals", shots=(), initial_shots=0, **extra):
    data = {
        "title": title,
        "description": "Arrivals of the heads of delegation.",
        "credit": "© The Organisation",
        "collection": str(Collection.get_first_root_node().pk),
        "poster": "",
        "shots-TOTAL_FORMS": str(len(shots)),
        "shots-INITIAL_FORMS": str(initial_shots),
        "shots-MIN_NUM_FORMS": "0",
        "shots-MAX_NUM_FORMS": "1000",
    }
    for index, shot in enumerate(shots):
        start, end, description = shot[:3]
        data["shots-%d-start" % index] = start
        data["shots-%d-end" % index] = end
        data["shots-%d-description" % index] = description
        data["shots-%d-ORDER" % index] = str(index + 1)
        data["shots-%d-id" % index] = str(shot[3]) if len(shot) > 3 else ""
    data.update(extra)
    return data


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")


def errors_of(response) -> list[str]:
    form = response.context["form"]
    found = [str(e) for errors in form.errors.values() for e in errors]
    for formset in form.formsets.values():
        for child in formset.forms:
            found += [str(e) for errors in child.errors.values() for e in errors]
    return found
