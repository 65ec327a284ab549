from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None, message=None):
    """The 400 page, in the person's language (also Django's handler400)."""
    return render(request, "400.html", {"message": message}, status=400)
