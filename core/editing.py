"""The edit form reports no change when a person changed nothing.

Wagtail's edit view saves a new revision whenever the form says it changed, and with
`WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT` a new revision sends a page in review back to the
start of its task: the reviewer's "Approve" on the edit page would then never publish. Two things
made an untouched form look changed:

- an inline child added to a live page lives only in the draft revision (no primary key yet); on
  every post modelcluster built it afresh, with a new `translation_key` and empty initial values;
- rich text stored without Draftail's `data-block-key` attributes (seeded, imported or translated
  content) comes back from the editor with freshly generated keys.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.forms.models import BaseModelFormSet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _

from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import InlinePanel


class UnsavedChildrenFormSet(BaseChildFormSet):
    """Post data for a child with no primary key is matched to that child, not to a new one.

    The edit form renders the children of the draft revision in order, so the n-th initial form
    stands for the n-th child; a child without a primary key keeps its `translation_key` (and
    everything else the form does not show), and the form compares against its values.
    """

    def get_queryset(self):
        # In their order on the page: Django would order them by primary key, which puts the
        # unsaved ones (no key) first and reorders the children at every save.
        field = getattr(self.model, "sort_order_field", None)
        if not hasattr(self, "_queryset") and field and self.queryset is not None:
            self._queryset = self.queryset.order_by(field)
        return super().get_queryset()

    def _construct_form(self, i, **kwargs):
        if self.is_bound and i < self.initial_form_count():
            pk_key = "%s-%s" % (self.add_prefix(i), self.model._meta.pk.name)
            if self.data.get(pk_key) == "":
                children = list(self.get_queryset())
                if i < len(children) and children[i].pk is None:
                    kwargs["instance"] = children[i]
                    # bypass modelcluster's and BaseModelFormSet's _construct_form
                    return super(BaseModelFormSet, self)._construct_form(i, **kwargs)
        return super()._construct_form(i, **kwargs)

    def save_existing_objects(self, commit=True):
        saved = super().save_existing_objects(commit=commit)
        # modelcluster removes every child without a primary key before adding the saved ones
        # back: an unchanged one must be added back too, or it would be lost.
        deleted = self.deleted_forms
        for form in self.initial_forms:
            instance = form.instance
            if instance.pk is None and form not in deleted and instance not in saved:
                saved.append(instance)
        return saved


class InlinePanel(InlinePanel):
    """Wagtail's InlinePanel, with children that are not saved yet kept as they are."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = UnsavedChildrenFormSet
        return options


_BLOCK_KEY = re.compile(r' data-block-key=\\?"[^"\\]*\\?"')


class PageForm(WagtailAdminPageForm):
    """A page form for which rich text differing only in Draftail's block keys is unchanged.

    Also: a missing slug is made from the title (transliterated, as the editor's script does
    while one types), so that "Save draft" never fails on a field of the hidden "Promote" tab;
    and the go-live and expiry times say in which time zone they are.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        zone = timezone.get_current_timezone_name()
        for name in ("go_live_at", "expire_at"):
            if name in self.fields:
                self.fields[name].help_text = time_zone_help(zone)

    def clean(self):
        if (
            "slug" in self.fields
            and not self.cleaned_data.get("slug")
            and self.cleaned_data.get("title")
        ):
            self.cleaned_data["slug"] = slugify(
                self.cleaned_data["title"],
                allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True),
            )
        return super().clean()

    @cached_property
    def changed_data(self):
        changed = super().changed_data
        return [name for name in changed if not self._only_block_keys_differ(name)]

    def _only_block_keys_differ(self, name: str) -> bool:
        field = self.fields[name]
        block = getattr(field, "block", None)
        if block is None:
            return False
        bound = self[name]
        # What Wagtail's BlockField.has_changed compares, less the block keys.
        initial = block.get_prep_value(bound.initial)
        data = block.get_prep_value(bound.data)
        return _without_keys(initial) == _without_keys(data)


def time_zone_help(zone: str) -> str:
    if zone == "Europe/Brussels":
        return _("Brussels time (Europe/Brussels).")
    return _("Time zone: %(zone)s.") % {"zone": zone}


def _without_keys(value) -> str:
    text = json.dumps(value, sort_keys=True, cls=_LazyEncoder)
    return _BLOCK_KEY.sub("", text)


class _LazyEncoder(json.JSONEncoder):
    def default(self, o):
        return str(o)
