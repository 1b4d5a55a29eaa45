"""Template tags for the portal's frame: navigation and sections other apps add.

Apps add links to the main navigation and sections to a unit's page through
Wagtail hooks, so the portal's templates need not know every app:

- ``register_portal_nav_item``: a function taking the request and returning
  ``(label, url, order)`` or ``None`` (hidden for this request);
- ``register_unit_page_section``: a function taking ``(request, unit)`` and
  returning ``(order, html)`` or ``None``.
"""

from django import template
from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_nav_items(context):
    """Menu pages under the site root, then links the apps register, by order."""
    request = context.get("request")
    items = []
    site = Site.find_for_request(request) if request else None
    if site is not None:
        for position, page in enumerate(site.root_page.get_children().live().in_menu().public()):
            items.append({"label": page.title, "url": page.url, "order": 10 * (position + 1)})
    for hook in hooks.get_hooks("register_portal_nav_item"):
        item = hook(request)
        if item:
            label, url, order = item
            items.append({"label": label, "url": url, "order": order})
    current = request.path if request else ""
    for item in items:
        item["active"] = item["url"] != "/" and current.startswith(item["url"])
    return sorted(items, key=lambda item: item["order"])


@register.simple_tag(takes_context=True)
def unit_page_sections(context, unit):
    """HTML of the sections other apps add to a unit's public page, in order."""
    request = context.get("request")
    sections = []
    for hook in hooks.get_hooks("register_unit_page_section"):
        section = hook(request, unit)
        if section:
            sections.append(section)
    return mark_safe("".join(html for _order, html in sorted(sections, key=lambda s: s[0])))  # noqa: S308
