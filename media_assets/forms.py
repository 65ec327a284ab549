"""Admin forms of the video library: the master upload and the timecoded shot list."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm

from media_assets import ffmpeg, kept_uploads
from media_assets.choices import ProcessingError
from media_assets.sizes import format_file_size, unit_labels
from media_assets.timecode import (
    TimecodeError,
    is_drop_frame_rate,
    seconds_to_timecode,
    timecode_to_seconds,
)


# Half a frame at 60 fps: a shot may end on the last frame's timecode.
DURATION_TOLERANCE = Decimal("0.009")


class MasterFileInput(forms.FileInput):
    """The master's file input, with an upload progress bar (the file is streamed to disk).

    It shows the current master's name, never a link: masters have no public URL.
    """

    template_name = "media_assets/widgets/master_file_input.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))

    # The master kept across a form error (set by VideoForm), announced and carried on.
    kept = None

    def use_required_attribute(self, initial):
        # A kept master stands for the upload: the browser must not ask for the file again.
        return super().use_required_attribute(initial) and self.kept is None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["is_initial"] = self.is_initial(value) and not isinstance(
            value, kept_uploads.KeptUploadedFile
        )
        context["widget"]["value"] = value
        context["widget"]["kept"] = self.kept
        context["widget"]["kept_field_name"] = kept_uploads.FIELD_NAME
        if self.kept is not None:
            context["widget"]["kept_size"] = format_file_size(self.kept.size)
        context["widget"]["units"] = unit_labels()
        context["widget"]["decimal_separator"] = get_format("DECIMAL_SEPARATOR")
        return context

    def __init__(self, attrs=None):
        attrs = {
            "accept": "video/mp4,video/quicktime,application/mxf,.mp4,.mov,.mxf",
            "data-master-upload": "",
            **(attrs or {}),
        }
        super().__init__(attrs)

    class Media:
        js = ["media_assets/js/master_upload.js"]
        css = {"all": ["media_assets/css/admin.css"]}


class VideoForm(WagtailAdminModelForm):
    """The video's admin form: a new master is set aside until processed (see services)."""

    def __init__(self, *args, interrupted_upload=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.interrupted_upload = interrupted_upload
        self._previous_master = self.instance.file.name if self.instance.pk else ""
        self.kept = None
        self.probed = None
        if "file" in self.fields:
            self.fields["file"].error_messages["empty"] = ProcessingError.EMPTY.label
        if self.instance.pk and "file" in self.fields:
            # The current master stays when the field is left empty.
            self.fields["file"].required = False
        if self.is_bound and "file" in self.fields:
            self._take_kept_upload()

    def _take_kept_upload(self) -> None:
        """Use the master kept at the last form error, unless a new file was chosen."""
        user_id = getattr(self.for_user, "pk", None)
        kept = kept_uploads.resolve(
            self.data.get(kept_uploads.FIELD_NAME, ""), user_id=user_id
        )
        if kept is None:
            return
        if self.files.get(self.add_prefix("file")):
            # A new file was chosen: it replaces the kept one.
            kept_uploads.discard(kept)
            return
        self.kept = kept
        self.fields["file"].widget.kept = kept
        if not self.interrupted_upload:
            # (A cut-off new file fails the form; the kept one stays kept for next time.)
            self.files = self.files.copy()
            self.files[self.add_prefix("file")] = kept_uploads.KeptUploadedFile(kept)

    def keep_upload(self) -> kept_uploads.KeptUpload | None:
        """After a form error: set a master that arrived whole aside, for the next submission.

        A file refused for what it is (not a video, damaged) is not kept; nor is a cut-off one.
        """
        if self.kept is not None or "file" not in self.fields:
            return self.kept
        uploaded = self.files.get(self.add_prefix("file"))
        if uploaded is None or self.interrupted_upload or self.has_error("file"):
            return None
        self.kept = kept_uploads.keep(
            uploaded, user_id=getattr(self.for_user, "pk", None)
        )
        self.fields["file"].widget.kept = self.kept
        return self.kept

    @property
    def kept_message(self) -> str:
        if self.kept is None:
            return ""
        return _(
            "Your file %(name)s (%(size)s) was kept: fix the errors and save, "
            "there is no need to upload it again."
        ) % {
            "name": self.kept.original_name,
            "size": format_file_size(self.kept.size),
        }

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if (
            uploaded is None
            or not hasattr(uploaded, "size")
            or "file" not in self.changed_data
        ):
            return uploaded
        # ffprobe reads the upload where Django streamed it (0.07 s even for GBs), so a file
        # that is not a usable video is refused at once and never replaces anything.
        try:
            self.probed = _probe_upload(uploaded)
        except ffmpeg.MediaError as error:
            if error.code in REFUSED_AT_UPLOAD:
                raise ValidationError(
                    ProcessingError(error.code).label, code=error.code
                ) from None
            return uploaded
        # The shot list is checked against the new master's duration and frame rate, so an
        # out-point past its end is caught at creation, not only once it has been processed.
        for formset in self.formsets.values():
            formset.probed = self.probed
        return uploaded

    def clean(self):
        cleaned_data = super().clean()
        if self.interrupted_upload:
            raise ValidationError(
                _(
                    "The upload was interrupted before the whole file arrived, so nothing "
                    "was saved. Upload the file again."
                ),
                code="interrupted",
            )
        return cleaned_data

    @property
    def master_changed(self) -> bool:
        return "file" in self.changed_data

    def save(self, commit=True):
        from media_assets.services import place_upload

        if self.master_changed:
            place_upload(video=self.instance, previous_name=self._previous_master)
        saved = super().save(commit=commit)
        if self.kept is not None:
            # Moved into place by the storage; the token now names nothing.
            self.files[self.add_prefix("file")].close()
            self.kept = None
        return saved


REFUSED_AT_UPLOAD = {
    ProcessingError.EMPTY,
    ProcessingError.NOT_VIDEO,
    ProcessingError.AUDIO_ONLY,
    ProcessingError.DAMAGED,
}


def _probe_upload(uploaded) -> ffmpeg.ProbeResult:
    if hasattr(uploaded, "temporary_file_path"):
        return ffmpeg.probe(Path(uploaded.temporary_file_path()))
    # Small uploads (under FILE_UPLOAD_MAX_MEMORY_SIZE) are in memory: probe a copy on disk.
    suffix = Path(uploaded.name or "").suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in uploaded.chunks():
            copy.write(chunk)
        copy.flush()
        uploaded.seek(0)
        return ffmpeg.probe(Path(copy.name))


class TimecodeField(forms.CharField):
    widget = forms.TextInput(
        attrs={"class": "timecode-input", "spellcheck": "false", "autocomplete": "off"}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)


class ShotForm(WagtailAdminModelForm):
    """One shot: in and out as SMPTE timecode at the video's frame rate, or HH:MM:SS.mmm."""

    start = TimecodeField(label=_("In"))
    end = TimecodeField(label=_("Out"))

    fps = Fraction(25)
    shot_number = 0

    def set_frame_rate(self, fps: Fraction, number: int) -> None:
        self.fps = fps
        self.shot_number = number
        help_text = _(
            "HH:MM:SS:FF at %(rate)s frames per second, or HH:MM:SS.mmm in milliseconds."
        ) % {"rate": _rate_label(fps)}
        if is_drop_frame_rate(fps):
            help_text = _(
                "HH:MM:SS;FF in drop-frame timecode at %(rate)s frames per second, "
                "or HH:MM:SS.mmm in milliseconds."
            ) % {"rate": _rate_label(fps)}
        for name in ("start", "end"):
            self.fields[name].help_text = help_text
            value = getattr(self.instance, name, None)
            if self.instance.pk and value is not None:
                self.initial[name] = seconds_to_timecode(value, fps)

    def _clean_timecode(self, name: str, message: str) -> Decimal:
        value = self.cleaned_data.get(name, "")
        try:
            return timecode_to_seconds(value, self.fps)
        except TimecodeError:
            raise ValidationError(
                message,
                code="invalid_timecode",
                params={
                    "number": self.shot_number,
                    "value": value,
                    "frames": round(self.fps),
                },
            ) from None

    def clean_start(self):
        return self._clean_timecode(
            "start",
            _(
                "Shot %(number)d: “%(value)s” is not a valid in-point timecode. "
                "Write HH:MM:SS:FF (frames below %(frames)d) or HH:MM:SS.mmm."
            ),
        )

    def clean_end(self):
        return self._clean_timecode(
            "end",
            _(
                "Shot %(number)d: “%(value)s” is not a valid out-point timecode. "
                "Write HH:MM:SS:FF (frames below %(frames)d) or HH:MM:SS.mmm."
            ),
        )


class ShotFormSet(BaseChildFormSet):
    """Checks the shot list as a whole: in before out, inside the video, in order."""

    # The probe of a master uploaded with this submission (set by VideoForm.clean_file):
    # its duration and frame rate apply rather than the stored ones.
    probed = None

    def _frame_rate(self) -> Fraction:
        if self.probed is not None and self.probed.frame_rate:
            return self.probed.frame_rate
        return self.instance.fps

    def _duration(self) -> Decimal:
        seconds = self.probed.duration if self.probed is not None else None
        if seconds is None:
            seconds = self.instance.duration
        return Decimal(str(seconds or 0)).quantize(Decimal("0.001"))

    def full_clean(self):
        if self.probed is not None and self.probed.frame_rate:
            for form in self.forms:
                form.fps = self.probed.frame_rate
        super().full_clean()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.set_frame_rate(self.instance.fps, self._numbers().get(i, i + 1))
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        form.set_frame_rate(self.instance.fps, 0)
        return form

    def _numbers(self) -> dict[int, int]:
        """Shot numbers as the editor sees them: by ORDER, deleted shots left out."""
        if hasattr(self, "_shot_numbers"):
            return self._shot_numbers
        self._shot_numbers = {}
        if self.is_bound:
            rows = []
            for index in range(self.total_form_count()):
                prefix = self.add_prefix(index)
                if self.data.get("%s-DELETE" % prefix):
                    continue
                try:
                    order = int(self.data.get("%s-ORDER" % prefix) or index)
                except ValueError:
                    order = index
                rows.append((order, index))
            for number, (_order, index) in enumerate(sorted(rows), start=1):
                self._shot_numbers[index] = number
        else:
            for index in range(self.initial_form_count()):
                self._shot_numbers[index] = index + 1
        return self._shot_numbers

    def clean(self):
        super().clean()
        fps = self._frame_rate()
        duration = self._duration()
        numbered = sorted(
            (
                (form.shot_number, form)
                for form in self.forms
                if not self._should_delete_form(form)
            ),
            key=lambda pair: pair[0],
        )
        previous = None
        for number, form in numbered:
            data = getattr(form, "cleaned_data", {})
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                continue
            params = {
                "number": number,
                "start": seconds_to_timecode(start, fps),
                "end": seconds_to_timecode(end, fps),
            }
            if start >= end:
                form.add_error(
                    "end",
                    ValidationError(
                        _(
                            "Shot %(number)d: the out point %(end)s must come after "
                            "the in point %(start)s."
                        ),
                        code="out_before_in",
                        params=params,
                    ),
                )
            if duration and end > duration + DURATION_TOLERANCE:
                form.add_error(
                    "end",
                    ValidationError(
                        _(
                            "Shot %(number)d: the out point %(end)s is after the end of "
                            "the video (%(duration)s)."
                        ),
                        code="after_end",
                        params={
                            **params,
                            "duration": seconds_to_timecode(duration, fps),
                        },
                    ),
                )
            if previous is not None and start < previous[1]:
                form.add_error(
                    "start",
                    ValidationError(
                        _(
                            "Shot %(number)d: the in point %(start)s comes before the in "
                            "point of shot %(previous)d (%(previous_start)s). "
                            "List the shots in the order they appear."
                        ),
                        code="out_of_order",
                        params={
                            **params,
                            "previous": previous[0],
                            "previous_start": seconds_to_timecode(previous[1], fps),
                        },
                    ),
                )
            previous = (number, start)


def _rate_label(fps: Fraction) -> str:
    return ("%.3f" % float(fps)).rstrip("0").rstrip(".")
