from wagtail.admin.menu import MenuItem

from .permissions import can_set_rights


class RightsMenuItem(MenuItem):
    """A link to the office's rights table, shown to the office only (SYS-11)."""

    def is_shown(self, request):
        return can_set_rights(request.user)
