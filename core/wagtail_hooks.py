from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.translation import gettext

from wagtail import hooks


@hooks.register("insert_editor_js")
def announce_errors_on_hidden_tabs():
    """An error on a tab that is not shown is announced in the error banner, with a link to it."""
    text = {
        "one": gettext("1 error on the “{tab}” tab"),
        "many": gettext("{count} errors on the “{tab}” tab"),
    }
    return format_html(
        '{}<script src="{}"></script>',
        json_script(text, "tab-errors-text"),
        static("js/tab-errors.js"),
    )
