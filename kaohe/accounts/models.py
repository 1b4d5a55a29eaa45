from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.roles import RoleCode


class User(AbstractUser):
    """A person who signs in: county staff, unit administrators, cadres, editors.

    Chinese names are one field (姓名); ``first_name``/``last_name`` from
    Django are left empty.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    cadre = models.OneToOneField(
        "org.Cadre",
        verbose_name=_("cadre record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text=_("For cadres and team members: the cadre record this account belongs to."),
    )
    phone = models.CharField(_("telephone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def save(self, *args, **kwargs):
        # Wagtail's sidebar greets users by first_name: keep it the Chinese name.
        self.first_name = (self.name or "")[:150]
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The codes of the roles this user holds (cached for the request)."""
        if not self.is_active or not self.pk:
            return frozenset()
        return frozenset(Role.objects.filter(group__user=self).values_list("code", flat=True))

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))


class Role(models.Model):
    """Ties a role code to the Django group that carries it."""

    code = models.CharField(_("code"), max_length=32, choices=RoleCode.choices, unique=True)
    group = models.OneToOneField(
        Group, verbose_name=pgettext_lazy("auth", "group"), on_delete=models.CASCADE, related_name="role"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.get_code_display()


class SignInEvent(models.Model):
    """One sign-in attempt, successful or not (SYS-8).

    Admin actions (create, edit, delete) are in Wagtail's own log entries;
    this table only records who tried to sign in, from where and whether it worked.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Signed in")
        FAILURE = "failure", _("Wrong user name or password")
        LOCKED = "locked", _("Refused: too many failures")
        SIGNED_OUT = "signed_out", _("Signed out")

    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    username = models.CharField(_("user name entered"), max_length=150, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_in_events",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in log")
        ordering = ["-timestamp"]

    def __str__(self):
        return f"{self.username} {self.get_outcome_display()} {self.timestamp:%Y-%m-%d %H:%M}"
