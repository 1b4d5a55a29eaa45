"""``manage.py pull_cadres``: fetch cadres from the cadre-management system, page by page (SYS-3).

The other system answers ``GET <base>/cadres/?page_size=N`` with pages shaped
like the portal's own (``{"results": [...], "next": <url or null>}``), each
cadre as in the portal's push (see /api/docs/). Each page is applied like a
bulk push: created, updated, unchanged or refused record by record. The whole
pull is one line in the exchange log.

The key is best given in the environment (``CADRE_SYSTEM_API_KEY``), not on
the command line where other users of the server can see it.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.interop import sync
from kaohe.interop.models import ExchangeRecord
from kaohe.interop.services import exchange_record

KEY_VARIABLE = "CADRE_SYSTEM_API_KEY"


class PullError(Exception):
    pass


class SameServerRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only on the same server (scheme, host and port): urllib copies the
    ``Authorization`` header to wherever a redirect points, so the key would go with it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl)[:2] != urllib.parse.urlsplit(req.full_url)[:2]:
            raise PullError(
                _("The answer redirects to another server (%(url)s): not followed, the key stays home.")
                % {"url": newurl}
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.build_opener(SameServerRedirects)


class Command(BaseCommand):
    help = _("Fetch cadres from the cadre-management system page by page and apply them like a push.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", required=True, help=_("The other system's API address, e.g. https://gbxt.example/api/v1/")
        )
        parser.add_argument("--key", default=None, help=_("The API key (better: the CADRE_SYSTEM_API_KEY variable)."))
        parser.add_argument("--page-size", type=int, default=500, help=_("Records per page."))
        parser.add_argument("--since", default=None, help=_("Only cadres changed at or after this ISO 8601 time."))
        parser.add_argument("--timeout", type=float, default=30, help=_("Seconds to wait for each page."))

    def handle(self, *args, **options):
        key = options["key"] or os.environ.get(KEY_VARIABLE)
        if not key:
            raise CommandError(_("Give the key with --key or in the CADRE_SYSTEM_API_KEY variable."))
        base = options["base_url"].rstrip("/") + "/"
        if urllib.parse.urlsplit(base).scheme not in ("http", "https"):
            raise CommandError(_("The base address must start with http:// or https://."))
        query = {"page_size": options["page_size"]}
        if options["since"]:
            query["changed_since"] = options["since"]
        url = urllib.parse.urljoin(base, "cadres/") + "?" + urllib.parse.urlencode(query)

        started = timezone.now()
        totals = {"total": 0, sync.CREATED: 0, sync.UPDATED: 0, sync.UNCHANGED: 0, sync.REFUSED: 0}
        refusals: list[dict] = []
        pages = 0
        error = None
        clock = time.monotonic()
        try:
            while url:
                records, url = self.fetch(url, base=base, key=key, timeout=options["timeout"])
                pages += 1
                report = sync.records_upsert(kind="cadres", records=records)
                offset = totals["total"]
                for name, value in report.totals.items():
                    totals[name] += value
                for item in report.refusals():
                    refusals.append({**item, "index": item["index"] + offset})
                self.stdout.write(
                    _("Page %(page)s: %(total)s records, %(created)s created, %(updated)s updated, %(refused)s refused")
                    % {"page": pages, **report.totals}
                )
        except PullError as exc:
            error = str(exc)

        if error:
            outcome = ExchangeRecord.Outcome.ERROR
        elif totals[sync.REFUSED] and totals[sync.REFUSED] == totals["total"]:
            outcome = ExchangeRecord.Outcome.REFUSED
        elif totals[sync.REFUSED]:
            outcome = ExchangeRecord.Outcome.PARTIAL
        else:
            outcome = ExchangeRecord.Outcome.SUCCESS
        line = exchange_record(
            direction=ExchangeRecord.Direction.PULL,
            operation="cadres.pull",
            outcome=outcome,
            started_at=started,
            method="GET",
            path=base[:500],
            record_count=totals["total"],
            created_count=totals[sync.CREATED],
            updated_count=totals[sync.UPDATED],
            unchanged_count=totals[sync.UNCHANGED],
            refused_count=totals[sync.REFUSED],
            refusals=refusals,
            message=error or _("%(pages)s pages") % {"pages": pages},
        )
        summary = _(
            "Pulled %(total)s cadres in %(pages)s pages (%(seconds).1f s): %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged, %(refused)s refused. Exchange log no. %(line)s."
        ) % {**totals, "pages": pages, "seconds": time.monotonic() - clock, "line": line.pk}
        if error:
            raise CommandError(f"{error}\n{summary}")
        self.stdout.write(self.style.SUCCESS(summary))
        for item in refusals[:20]:
            reasons = "；".join(f"{field}: {'、'.join(messages)}" for field, messages in item["errors"].items())
            self.stdout.write(f"  {item['external_id'] or '#' + str(item['index'])}: {reasons}")

    def fetch(self, url: str, *, base: str, key: str, timeout: float) -> tuple[list, str | None]:
        """One page: its records and the address of the next page (or None)."""
        origin = urllib.parse.urlsplit(base)[:2]
        if urllib.parse.urlsplit(url)[:2] != origin:
            raise PullError(
                _("The next page is on another server (%(url)s): not followed, the key stays home.") % {"url": url}
            )
        request = urllib.request.Request(  # noqa: S310 - the scheme was checked above
            url, headers={"Authorization": f"Bearer {key}", "Accept": "application/json"}
        )
        try:
            with OPENER.open(request, timeout=timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                raise PullError(
                    _("The cadre-management system refused the key (HTTP %(status)s).") % {"status": exc.code}
                ) from exc
            raise PullError(
                _("The cadre-management system answered HTTP %(status)s for %(url)s.")
                % {"status": exc.code, "url": url}
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PullError(
                _("Cannot reach the cadre-management system at %(url)s: %(reason)s") % {"url": url, "reason": reason}
            ) from exc
        try:
            page = json.loads(body)
        except ValueError as exc:
            raise PullError(_("The answer for %(url)s is not JSON.") % {"url": url}) from exc
        if isinstance(page, list):
            return page, None
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise PullError(_("The answer for %(url)s has no list of results.") % {"url": url})
        following = page.get("next")
        return page["results"], urllib.parse.urljoin(url, following) if following else None
