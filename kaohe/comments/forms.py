from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from kaohe.org.models import Unit
from kaohe.org.selectors import all_units, unit_teams

from . import spam
from .models import BODY_MAX_LENGTH, Comment, CommenterKind, CommentType, TargetType


class BodyField(forms.CharField):
    """Required text of at most ``BODY_MAX_LENGTH`` characters, with messages a person can act on."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX_LENGTH}))
        super().__init__(strip=True, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and len(value) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                ngettext(
                    "Please keep it to %(max)d characters; it has %(count)d.",
                    "Please keep it to %(max)d characters; it has %(count)d.",
                    BODY_MAX_LENGTH,
                )
                % {"max": BODY_MAX_LENGTH, "count": len(value)},
                code="max_length",
            )


class CommentForm(forms.Form):
    """The comment form of a goal page or a unit page (CMT-1, CMT-3).

    The commenter's kind is not a field: it is derived from who posts.
    """

    comment_type = forms.ModelChoiceField(
        label=_("comment type"),
        queryset=CommentType.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the comment types offered.")},
    )
    team = forms.ModelChoiceField(
        label=pgettext_lazy("comment form", "On"),
        queryset=unit_teams(unit=None).none(),
        required=False,
        empty_label=_("the unit as a whole"),
    )
    body = BodyField(label=_("comment text"), error_messages={"required": _("Please write your comment.")})
    author_name = forms.CharField(label=_("name (optional, shown with the comment)"), max_length=50, required=False)
    email = forms.EmailField(
        label=_("e-mail (optional, for a private answer; never shown)"),
        required=False,
        error_messages={"invalid": _("This e-mail address is not valid.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, unit: Unit | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment_type"].queryset = CommentType.objects.filter(is_active=True)
        if unit is not None:
            self.fields["team"].queryset = unit_teams(unit=unit)
        else:
            del self.fields["team"]
        if not self.is_bound:
            self.initial["started"] = spam.form_started_token()
            if user is not None and getattr(user, "is_authenticated", False):
                self.initial.setdefault("author_name", getattr(user, "name", "") or user.get_username())
                self.initial.setdefault("email", user.email)
        self.report_type_ids = [t.pk for t in self.fields["comment_type"].queryset if t.is_report]

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Your comment looks automated and was not accepted."), code="spam")
        if spam.too_fast_or_stale(data.get("started", "")):
            self.data = self.data.copy()
            self.data["started"] = spam.form_started_token()
            raise forms.ValidationError(
                _("The form was sent too quickly or has expired. Please check your comment and send it again."),
                code="timing",
            )
        return data


class AnswerForm(forms.Form):
    body = BodyField(label=_("answer"), error_messages={"required": _("Please write the answer.")})
    is_public = forms.BooleanField(
        label=_("Make the answer public"),
        required=False,
        initial=True,
        help_text=_(
            "A public answer shows with the comment beside the goal and on the unit's page. "
            "Otherwise it is only e-mailed to the commenter."
        ),
    )


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for removal"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the comment is removed; the reason is kept with the record.")},
    )


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        label=_("keep this comment"),
        queryset=Comment.objects.none(),
        error_messages={"invalid_choice": _("Choose the comment to keep among the selected ones.")},
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        initial=_("duplicate"),
        error_messages={"required": _("Say why the comments are merged; the reason is kept with the record.")},
    )

    def __init__(self, *args, comments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = comments if comments is not None else Comment.objects.none()


class CommentFilterForm(forms.Form):
    """Filters of the management list (CMT-4). Unknown values are ignored, never a 500."""

    kind = forms.ChoiceField(label=_("commenter kind"), required=False)
    type = forms.ModelChoiceField(label=_("comment type"), queryset=CommentType.objects.all(), required=False)
    target = forms.ChoiceField(label=_("target type"), required=False)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=all_units(), required=False)
    goal = forms.IntegerField(label=_("goal"), required=False, min_value=1, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=pgettext_lazy("comment", "status"), required=False)
    date_from = forms.DateField(label=_("posted from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("posted until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    new = forms.BooleanField(label=_("new only"), required=False)
    q = forms.CharField(label=_("text"), required=False, max_length=100)

    LIVE = "live"

    def __init__(self, *args, office: bool = False, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = pgettext_lazy("comment filter", "All")
        self.fields["kind"].choices = [("", everyone), *CommenterKind.choices]
        self.fields["target"].choices = [("", everyone), *TargetType.choices]
        self.fields["type"].empty_label = everyone
        self.fields["unit"].empty_label = everyone
        if units is not None:
            self.fields["unit"].queryset = units
        if office:
            self.fields["status"].choices = [
                (self.LIVE, _("Pending and published")),
                ("", everyone),
                *Comment.Status.choices,
            ]
        else:
            del self.fields["status"]
