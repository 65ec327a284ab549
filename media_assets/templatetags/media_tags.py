from __future__ import annotations

from fractions import Fraction

from django import template
from django.utils.translation import gettext as _

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
