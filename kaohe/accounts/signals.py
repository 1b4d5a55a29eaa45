"""Record every sign-in, failed sign-in and sign-out (SYS-8)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services
from .models import SignInEvent


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    services.sign_in_event_record(
        request=request, username=user.get_username(), user=user, outcome=SignInEvent.Outcome.SUCCESS
    )


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")
    if getattr(request, "_kaohe_sign_in_locked", False):
        outcome = SignInEvent.Outcome.LOCKED
    else:
        outcome = SignInEvent.Outcome.FAILURE
    services.sign_in_event_record(request=request, username=username, user=None, outcome=outcome)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        services.sign_in_event_record(
            request=request, username=user.get_username(), user=user, outcome=SignInEvent.Outcome.SIGNED_OUT
        )
