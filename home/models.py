"""Page models of the party-building portal (PORTAL-1, SYS-5)."""

from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from kaohe.core.cjk import CJKAutocompleteField, CJKSearchField
from kaohe.org import selectors as org_selectors


def cjk_search_fields(fields):
    """Wagtail's search fields plus a Chinese-word twin of each text field.

    The originals stay (Wagtail checks that pages keep them); the twins add
    the characters and bigrams that make Chinese words findable.
    """
    twins = []
    for field in fields:
        if type(field) is index.SearchField:
            twins.append(CJKSearchField(field.field_name, boost=field.boost))
        elif type(field) is index.AutocompleteField:
            twins.append(CJKAutocompleteField(field.field_name))
    return list(fields) + twins


class PortalDocument(AbstractDocument):
    """Wagtail's document, with titles searchable by Chinese words."""

    admin_form_fields = Document.admin_form_fields
    search_fields = cjk_search_fields(AbstractDocument.search_fields)

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class HomePage(Page):
    """The portal's front page."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = cjk_search_fields(Page.search_fields) + [CJKSearchField("intro"), CJKSearchField("body")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["unit_index"] = unit_index = UnitIndexPage.objects.live().first()
        context["unit_index_url"] = unit_index.get_url(request) if unit_index else ""
        context["document_index"] = DocumentIndexPage.objects.live().first()
        context["latest_documents"] = (
            AssessmentDocumentPage.objects.live().select_related("category").order_by("-issued_on", "-pk")[:6]
        )
        context["unit_kind_counts"] = org_selectors.unit_kind_counts()
        return context


class StandardPage(Page):
    """A plain content page: notices, help, about the portal."""

    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = cjk_search_fields(Page.search_fields) + [CJKSearchField("body")]

    class Meta:
        verbose_name = _("standard page")


class UnitIndexPage(RoutablePageMixin, Page):
    """Lists units by kind and serves each unit's public page (SYS-1, SYS-2).

    Units are records the assessment office keeps in the admin; this page shows
    them, so a unit's page is always in step with its record.
    """

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = cjk_search_fields(Page.search_fields) + [CJKSearchField("intro")]
    max_count = 1
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("unit index page")

    @path("")
    def unit_list(self, request):
        return self.render(
            request,
            context_overrides={"kinds": org_selectors.units_grouped_by_kind()},
        )

    @path("<int:pk>/")
    def unit_detail(self, request, pk):
        unit = org_selectors.unit_public_detail(pk=pk)
        if unit is None:
            raise Http404
        return self.render(
            request,
            template="home/unit_detail_page.html",
            context_overrides={"unit": unit, "teams": unit.public_teams},
        )

    def unit_url(self, unit) -> str:
        return self.url + self.reverse_subpage("unit_detail", kwargs={"pk": unit.pk})


class DocumentCategory(models.Model):
    """A class of assessment documents: 考核文件, 操作手册, 通知公告..."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True, allow_unicode=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class DocumentIndexPage(Page):
    """Assessment documents and manuals, listed by category and year, searchable (SYS-5)."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = cjk_search_fields(Page.search_fields) + [CJKSearchField("intro")]
    subpage_types = ["home.AssessmentDocumentPage"]

    class Meta:
        verbose_name = _("document index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = (
            AssessmentDocumentPage.objects.live()
            .child_of(self)
            .select_related("category", "attachment")
            .order_by("-issued_on", "-id")
        )
        category = request.GET.get("category", "")
        year = request.GET.get("year", "")
        query = request.GET.get("q", "").strip()[:100]
        if category:
            documents = documents.filter(category__slug=category)
        if year.isdigit():
            documents = documents.filter(year=int(year))
        years = (
            AssessmentDocumentPage.objects.live()
            .child_of(self)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        if query:
            documents = documents.search(query, order_by_relevance=False)
        page_obj = Paginator(documents, 20).get_page(request.GET.get("page"))
        context.update(
            {
                "documents": page_obj,
                "categories": DocumentCategory.objects.all(),
                "years": list(years),
                "selected_category": category,
                "selected_year": year,
                "query": query,
            }
        )
        return context


class AssessmentDocumentPage(Page):
    """An assessment document or operation manual (考核文件, 操作手册) with its file."""

    category = models.ForeignKey(
        DocumentCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="documents"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 县考核办〔2026〕3号")
    )
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)
    attachment = models.ForeignKey(
        "home.PortalDocument",
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("year"),
                FieldPanel("document_number"),
                FieldPanel("issuer"),
                FieldPanel("issued_on"),
            ],
            heading=_("Classification"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("attachment"),
    ]
    search_fields = cjk_search_fields(Page.search_fields) + [
        CJKSearchField("document_number"),
        CJKSearchField("issuer"),
        CJKSearchField("summary"),
        CJKSearchField("body"),
        index.RelatedFields("attachment", [CJKSearchField("title")]),
        index.RelatedFields("category", [CJKSearchField("name")]),
        index.FilterField("year"),
        index.FilterField("category"),
        index.FilterField("issued_on"),
    ]
    parent_page_types = ["home.DocumentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("assessment document")
        verbose_name_plural = _("assessment documents")
