"""Base views of the cycle's snippet screens: lists show what the reader may read,
and a record opens only for those who may read it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from wagtail.snippets.views import snippets as snippet_views


class ReadCheckedInspectView(snippet_views.InspectView):
    """The inspect screen asks the record's own read rule (the rights table), not only the model's."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "view", obj):
            raise PermissionDenied
        return obj
