from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None, message=None):
    """The 400 page, in the person's language (also Django's handler400).

    Under /api/ it is a problem document (RFC 9457), as the JSON API's own errors are.
    """
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": _("Address not understood"),
                "status": 400,
                "detail": message
                or _(
                    "This address contains characters or values we cannot read. "
                    "Check the link you followed, or search again."
                ),
                "parameter": "",
            },
            status=400,
            content_type="application/problem+json",
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "400.html", {"message": message}, status=400)
