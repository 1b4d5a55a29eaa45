"""What retires the public's cached pages (issue 16): see ``home.page_cache``.

A page published, unpublished, moved or deleted, and any record saved or deleted in the
apps whose data the public pages show. Wagtail's log entries are records of ``wagtailcore``
too, so an admin action that writes with a queryset ``update`` (no ``post_save``) but logs
what it did also retires the pages. With a reverse proxy configured (``WAGTAILFRONTENDCACHE``),
Wagtail purges a page's URLs when it is published; a changed unit's or goal's own page is
purged here too.
"""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import reverse
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import page_cache

# Apps whose records appear on public pages. Not: accounts, sessions, evaluation (ballots),
# interop; their writes would only empty the cache for nothing.
PUBLIC_DATA_APPS = {
    "wagtailcore",
    "wagtaildocs",
    "wagtailimages",
    "home",
    "org",
    "access",
    "goals",
    "comments",
    "scoring",
    "results",
    "cycle",
}


# Records of those apps no public page shows: who read which comment in the admin.
NOT_SHOWN = {"comments.CommentRead"}


def unseen(sender, instance) -> bool:
    """A write the public pages cannot show: a comment still waiting for review (the crowd's
    comments on results day must not empty the cache each time), or a record never shown."""
    if sender._meta.label in NOT_SHOWN:
        return True
    return sender._meta.label == "comments.Comment" and instance is not None and instance.status == "pending"


def public_data_changed(sender, instance=None, **kwargs):
    if sender._meta.app_label not in PUBLIC_DATA_APPS or sender.__module__ == "__fake__":
        return  # other apps' records, or migrations' historical models
    if unseen(sender, instance):
        return
    page_cache.invalidate()
    if instance is not None and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        transaction.on_commit(lambda: purge_own_page(instance))  # not before the change is visible


def pages_changed(sender, **kwargs):
    page_cache.invalidate()


def purge_own_page(instance) -> None:
    """Ask the reverse proxy to drop a changed unit's or goal's own page."""
    from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

    from .models import UnitIndexPage

    label = instance._meta.label
    url = None
    if label == "org.Unit":
        index = UnitIndexPage.objects.live().first()
        url = index.full_url + index.reverse_subpage("unit_detail", kwargs={"pk": instance.pk}) if index else None
    elif label == "goals.Goal":
        url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("goals:goal", args=[instance.pk])
    if url:
        purge_url_from_cache(url)


def connect() -> None:
    # Per model of the apps the public pages show, not for every sender: a model nobody listens
    # to keeps Django's fast delete (one DELETE, no SELECT first), which voting day relies on.
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PUBLIC_DATA_APPS:
            for signal in (post_save, post_delete):
                signal.connect(
                    public_data_changed, sender=model, dispatch_uid=f"home-page-cache-{signal}-{model._meta.label}"
                )
    m2m_changed.connect(public_data_changed, dispatch_uid="home-page-cache-m2m")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"home-page-cache-{signal}")
