"""The office's rights table as one form: a row per kind of person, a cell per subject (SYS-11)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import PersonKind
from .models import COMMENT_SUBJECTS, Moderation, Scope, Subject
from .selectors import rule

READ, COMMENT, MODERATION = "read", "comment", "moderation"


def field_name(kind: str, subject: str, column: str) -> str:
    return f"{kind}|{subject}|{column}"


class RightsForm(forms.Form):
    """Every kind x subject cell. A kind's choices are only the scopes that mean something
    for it (the public and evaluators: all or nothing); the office's own row is fixed."""

    def __init__(self, *args, kinds: list[PersonKind], table: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind in kinds if not kind.fixed]
        self.current = {
            (kind.key, subject): rule(table=table, kind=kind.key, subject=subject)
            for kind in self.kinds
            for subject in Subject
        }
        scope_labels = dict(Scope.choices)
        for kind in self.kinds:
            choices = [(value, scope_labels[value]) for value in kind.scopes]
            for subject in Subject.values:
                read, comment, moderation = self.current[(kind.key, subject)]
                self.fields[field_name(kind.key, subject, READ)] = forms.ChoiceField(
                    choices=choices, initial=read, label=f"{kind.label} · {Subject(subject).label}"
                )
                if subject in COMMENT_SUBJECTS and kind.may_comment:
                    self.fields[field_name(kind.key, subject, COMMENT)] = forms.ChoiceField(
                        choices=choices,
                        initial=comment,
                        label=f"{kind.label} · {Subject(subject).label} · {_('may comment')}",
                    )
                    self.fields[field_name(kind.key, subject, MODERATION)] = forms.ChoiceField(
                        choices=Moderation.choices,
                        initial=moderation,
                        label=f"{kind.label} · {Subject(subject).label} · {_('moderation')}",
                    )

    def rows(self) -> dict[tuple[str, str], tuple[str, str, str]]:
        """The cleaned table: {(kind, subject): (read, comment, moderation)}."""
        data = self.cleaned_data
        result = {}
        for kind in self.kinds:
            for subject in Subject.values:
                _read, comment, moderation = self.current[(kind.key, subject)]  # columns not offered stay
                read = data[field_name(kind.key, subject, READ)]
                comment = data.get(field_name(kind.key, subject, COMMENT), comment)
                moderation = data.get(field_name(kind.key, subject, MODERATION), moderation)
                result[(kind.key, subject)] = (read, comment, moderation)
        return result

    def grid(self, subjects, columns):
        """[(kind, [[bound field or None per column] per subject])] for the template."""
        grid = []
        for kind in self.kinds:
            cells = []
            for subject in subjects:
                cells.append(
                    [
                        self[name] if (name := field_name(kind.key, subject, column)) in self.fields else None
                        for column in columns
                    ]
                )
            grid.append((kind, cells))
        return grid
