"""File sizes as people read them: decimal units (1 MB = 1,000,000 bytes) everywhere.

One unit system for the upload's progress, the technical facts and the messages, so that a
file is "50.9 MB" on every screen (Django's filesizeformat counts in 1024s). French says
« Mo » and « Go ».
"""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def format_file_size(size) -> str:
    """'512 bytes', '48.5 MB', '2.3 GB' (localised: '2,3 Go')."""
    if size is None or size == "":
        return ""
    value = int(size)
    if value < 1000:
        return _("%(size)s bytes") % {"size": value}
    units = [
        (10**12, _("%(size)s TB")),
        (10**9, _("%(size)s GB")),
        (10**6, _("%(size)s MB")),
        (10**3, _("%(size)s kB")),
    ]
    for factor, template in units:
        if value >= factor:
            return template % {
                "size": number_format(round(value / factor, 1), decimal_pos=1)
            }
    return ""  # unreachable: value >= 1000 matches kB


def unit_labels() -> dict[str, str]:
    """The unit names for the upload's progress (JavaScript), in the person's language."""
    return {
        "B": _("bytes"),
        "kB": _("kB"),
        "MB": _("MB"),
        "GB": _("GB"),
        "TB": _("TB"),
    }
