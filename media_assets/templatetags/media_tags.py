from __future__ import annotations

from fractions import Fraction

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from media_assets.sizes import format_file_size
from media_assets.timecode import seconds_to_timecode


register = template.Library()


@register.filter
def timecode(seconds, fps=None) -> str:
    """Seconds as SMPTE HH:MM:SS:FF at the given frame rate (a Fraction, or 25 by default)."""
    if seconds is None or seconds == "":
        return ""
    return seconds_to_timecode(
        seconds, fps if isinstance(fps, Fraction) else Fraction(fps or 25)
    )


@register.filter
def duration(seconds) -> str:
    """A running time a person reads: '1 min 05 s', '45 s', '1 h 02 min'."""
    if not seconds:
        return ""
    total = round(float(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {
            "minutes": minutes,
            "seconds": secs,
        }
    return _("%(seconds)d s") % {"seconds": secs}


@register.filter
def iso_duration(seconds) -> str:
    """The duration as ISO 8601 (PT1M5S), for the <time datetime> attribute."""
    total = round(float(seconds or 0))
    minutes, secs = divmod(total, 60)
    return "PT%dM%dS" % (minutes, secs)


CODEC_NAMES = {
    "h264": "H.264/AVC",
    "hevc": "H.265/HEVC",
    "prores": "Apple ProRes",
    "mpeg2video": "MPEG-2",
    "dnxhd": "Avid DNxHD",
    "aac": "AAC",
    "pcm_s16le": "PCM 16-bit",
    "pcm_s24le": "PCM 24-bit",
    "pcm_s24be": "PCM 24-bit",
    "pcm_s16be": "PCM 16-bit",
}


@register.filter
def codec_name(codec: str) -> str:
    """The codec as broadcasters write it: h264 → H.264/AVC."""
    return CODEC_NAMES.get(codec, codec)


@register.filter
def bit_rate(bits_per_second) -> str:
    """A bit rate in Mb/s (or kb/s below one megabit), as on a technical sheet."""
    if not bits_per_second:
        return ""
    value = int(bits_per_second)
    if value >= 1_000_000:
        return _("%(rate)s Mb/s") % {"rate": floatformat(value / 1_000_000, 1)}
    return _("%(rate)s kb/s") % {"rate": floatformat(value / 1000, 0)}


@register.simple_tag
def master_label(video) -> str:
    """The master's button: "Download the broadcast master: MXF, MPEG-2 1080i25, 2.3 GB"."""
    facts = []
    if video.container:
        facts.append(video.container.upper())
    picture = " ".join(
        part
        for part in [
            codec_name(video.video_codec) if video.video_codec else "",
            (
                "%d%s%s"
                % (
                    video.height,
                    "i" if video.is_interlaced else "p",
                    video.frame_rate_label,
                )
                if video.height
                else ""
            ),
        ]
        if part
    )
    if picture:
        facts.append(picture)
    if video.file_size:
        facts.append(format_file_size(video.file_size))
    if not facts:
        return _("Download the broadcast master")
    return _("Download the broadcast master: %(facts)s") % {"facts": ", ".join(facts)}


@register.inclusion_tag("components/download_panel.html", takes_context=True)
def download_panel(context, video, release=None):
    """The download panel of a video (see media_assets.views.panel_context)."""
    from media_assets.views import panel_context

    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "panel": panel_context(request, video, release),
    }


@register.filter
def file_size(size) -> str:
    """A size in decimal units, as everywhere on the site: 48.5 MB (French: 48,5 Mo)."""
    return format_file_size(size)


@register.inclusion_tag("components/my_downloads.html", takes_context=True)
def my_downloads(context, limit=50):
    """The person's own downloads, newest first, each with a fresh link (account page)."""
    from media_assets.downloads import make_link, master_filename
    from media_assets.models import Download
    from media_assets.terms import current_terms, has_accepted

    request = context["request"]
    rows = list(
        Download.objects.filter(user=request.user)
        .select_related("video")
        .order_by("-created_at")[:limit]
    )
    if not rows:
        return {"entries": []}
    terms = current_terms()
    may_skip_terms = terms is None or has_accepted(request.user, terms)
    entries = []
    for row in rows:
        video = row.video
        fresh = ""
        page = ""
        if video is not None and video.is_public and row.kind == "full":
            page = video.get_public_url()
            if may_skip_terms:
                fresh = make_link(
                    user=request.user,
                    kind="master",
                    object_id=video.pk,
                    filename=master_filename(video),
                    language=row.language,
                    release_id=row.release_id,
                )
        entries.append({"row": row, "fresh": fresh, "page": page})
    return {"entries": entries}


@register.inclusion_tag("components/my_parts.html", takes_context=True)
def my_parts(context, limit=50):
    """The parts the person asked for: ready, in progress or failed (account page, two queries)."""
    from django.utils import translation

    from media_assets.clips import parts_requested_by, videos_in_language
    from media_assets.timecode import frames_to_timecode

    parts = []
    requested = parts_requested_by(context["request"].user, limit=limit)
    # a part shared across translations reads in the page's language (one more query)
    readers = videos_in_language(requested, translation.get_language())
    for clip in requested:
        video = readers.get(clip.pk)
        fps = video.fps if video is not None else Fraction(25)
        parts.append(
            {
                "clip": clip,
                "video": video,
                "title": video.title if video is not None else "",
                "in": frames_to_timecode(clip.in_frame, fps),
                "out": frames_to_timecode(clip.out_frame, fps),
                "shots": len(clip.shots) if len(clip.spans) > 1 else 0,
            }
        )
    return {"parts": parts}
