"""The Django groups that carry the roles, created after every ``migrate``."""

from kaohe.core.roles import ADMIN_ROLES, GROUP_NAMES, NATIVE_PERMISSIONS, RoleCode


def ensure_role_groups(sender=None, **kwargs):
    """Create the group of every role and give it Wagtail's own permissions.

    Runs after every ``migrate``; idempotent. Existing groups keep any extra
    permissions an administrator gave them.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from .models import Role

    using = kwargs.get("using", "default")
    # Our handler may run before Django's own post_migrate handler has created
    # the permissions of apps later in INSTALLED_APPS: create them first.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for code in RoleCode:
        role = Role.objects.using(using).select_related("group").filter(code=code).first()
        if role is None:
            group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAMES[code])
            role = Role.objects.using(using).create(code=code, group=group)
        wanted = list(NATIVE_PERMISSIONS.get(code, []))
        if code in ADMIN_ROLES:
            wanted.append("wagtailadmin.access_admin")
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permission = (
                Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            )
            if permission is not None:
                role.group.permissions.add(permission)
