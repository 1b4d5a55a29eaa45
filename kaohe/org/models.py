"""Units, their leadership teams, cadres and work groups (SYS-1, SYS-2, SYS-4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from kaohe.core.cjk import CJKSearchField

from .validators import validate_id_number


class SearchableQuerySet(SearchableQuerySetMixin, models.QuerySet):
    """A queryset with ``.search()``, for indexed organisation models."""


class UnitKind(models.Model):
    """A kind of unit: county party departments, government departments, towns, streets..."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Unit(RevisionMixin, index.Indexed, ClusterableModel):
    """A department, town or street whose leadership team is assessed (SYS-1)."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.ForeignKey(UnitKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    duties = models.TextField(_("duties"), blank=True, help_text=_("The unit's duty statement (职责)."))
    internal_organisation = models.TextField(
        _("internal organisation"), blank=True, help_text=_("Internal offices and divisions, one per line.")
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    external_id = models.CharField(
        _("external identifier"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The unit's identifier in the county's cadre-management system."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    publishes_directly = models.BooleanField(
        _("publishes without approval"),
        default=False,
        help_text=_(
            "A trusted unit: its administrators' changes to the public page and its first progress reports "
            "go live without the office's approval."
        ),
    )

    objects = SearchableQuerySet.as_manager()

    search_fields = [
        CJKSearchField("name", boost=5),
        CJKSearchField("short_name"),
        CJKSearchField("duties"),
        CJKSearchField("internal_organisation"),
        index.FilterField("is_active"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind__sort_order", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                "parent",
                Lower("name"),
                name="org_unit_unique_name_in_parent",
                violation_error_message=_("A unit with this name already exists under the same parent unit."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(parent__isnull=True),
                name="org_unit_unique_top_level_name",
                violation_error_message=_("A top-level unit with this name already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be placed under itself or its own sub-unit.")})
            ancestor = ancestor.parent

    @property
    def internal_organisation_lines(self) -> list[str]:
        return [line.strip() for line in self.internal_organisation.splitlines() if line.strip()]


PUBLIC_PAGE_FIELDS = ("duties", "internal_organisation", "contact_person", "contact_phone", "contact_email", "address")


class UnitPageChange(models.Model):
    """A unit administrator's change to the unit's public page (duties, organisation, contacts),
    waiting for the office's approval before it goes live (PORTAL-1)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Returned")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="page_changes")
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    status = models.CharField(
        pgettext_lazy("page change", "status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("unit page change")
        verbose_name_plural = _("unit page changes")

    def __str__(self):
        return f"{self.unit} {self.submitted_at:%Y-%m-%d}"

    @property
    def fields(self) -> list[str]:
        return [name for name in PUBLIC_PAGE_FIELDS if name in self.after]


class Team(RevisionMixin, index.Indexed, ClusterableModel):
    """A unit's leadership team (领导班子) (SYS-2)."""

    class TeamType(models.TextChoices):
        PARTY_GOVERNMENT = "party_government", _("Party and government team")
        PARTY = "party", _("Party committee (leading party group)")
        ADMINISTRATIVE = "administrative", _("Administrative team")
        OTHER = "other", _("Other team")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    team_type = models.CharField(
        _("team type"), max_length=32, choices=TeamType.choices, default=TeamType.PARTY_GOVERNMENT
    )
    external_id = models.CharField(_("external identifier"), max_length=64, null=True, blank=True, unique=True)

    objects = SearchableQuerySet.as_manager()

    search_fields = [
        CJKSearchField("name", boost=3),
        index.FilterField("unit"),
    ]

    class Meta:
        verbose_name = _("leadership team")
        verbose_name_plural = _("leadership teams")
        ordering = ["unit__kind__sort_order", "unit__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                "unit",
                Lower("name"),
                name="org_team_unique_name_in_unit",
                violation_error_message=_("This unit already has a team with this name."),
            ),
        ]

    def __str__(self):
        return self.name


class Cadre(RevisionMixin, index.Indexed, models.Model):
    """A leading cadre (领导干部), kept in step with the cadre-management system."""

    class Sex(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Rank(models.TextChoices):
        DEPARTMENT_CHIEF = "county_chief", _("County-level chief (正处级)")
        DEPARTMENT_DEPUTY = "county_deputy", _("County-level deputy (副处级)")
        SECTION_CHIEF = "section_chief", _("Section-level chief (正科级)")
        SECTION_DEPUTY = "section_deputy", _("Section-level deputy (副科级)")
        OTHER = "other", _("Other")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadres",
        help_text=_("The unit where the cadre currently works."),
    )
    position = models.CharField(_("position"), max_length=100, help_text=_("Current post, e.g. 县发改局局长."))
    rank = models.CharField(_("rank"), max_length=32, choices=Rank.choices, default=Rank.SECTION_CHIEF)
    profession = models.CharField(
        _("profession"), max_length=50, blank=True, help_text=_("Field of work, e.g. 经济管理, 党务, 法律.")
    )
    education = models.CharField(_("education"), max_length=50, blank=True)
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_id_number],
        help_text=_("Resident identity card number (身份证号); imports match cadres by it."),
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    external_id = models.CharField(
        _("external identifier"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The cadre's identifier in the county's cadre-management system."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableQuerySet.as_manager()

    search_fields = [
        CJKSearchField("name", boost=3),
        CJKSearchField("position"),
        CJKSearchField("profession"),
        index.FilterField("unit"),
        index.FilterField("rank"),
    ]

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class PostGroup(models.TextChoices):
    """Groups of team posts (职务) that are ranked and graded together in the yearly results (RES-3)."""

    PRINCIPAL = "principal", _("Principal leader (党政正职)")
    DEPUTY = "deputy", _("Deputy leader (副职)")
    OTHER = "other", _("Other team member (其他班子成员)")


# Posts held by discipline inspection, armed forces and committee members are
# neither principal nor deputy, whatever their title ends with.
_OTHER_POST_MARKERS = ("纪委", "纪工委", "纪检", "监察", "武装部", "人武部", "委员")
_HEAD_TITLES = ("书记", "长", "主任", "主席")


def post_group_of(party_post: str, administrative_post: str) -> str:
    """The post group that a seat's party and administrative posts suggest.

    A seat is principal when any of its posts is a head's (书记, 局长, 镇长, 主任...),
    deputy when any is a deputy's (副...), and otherwise another team member
    (纪委书记, 组织委员, 党组成员...)."""
    posts = [
        post.strip()
        for text in (party_post or "", administrative_post or "")
        for post in text.replace(",", "、").replace("，", "、").split("、")
        if post.strip()
    ]
    groups = set()
    for post in posts:
        if "副" in post:
            groups.add(PostGroup.DEPUTY)
        elif any(marker in post for marker in _OTHER_POST_MARKERS):
            groups.add(PostGroup.OTHER)
        elif post.endswith(_HEAD_TITLES):
            groups.add(PostGroup.PRINCIPAL)
    for group in (PostGroup.PRINCIPAL, PostGroup.DEPUTY):
        if group in groups:
            return group
    return PostGroup.OTHER


class CadrePhoto(models.Model):
    """A cadre's photo, as the cadre-management system sent it (任免审批表 ZhaoPian).

    Kept in the database rather than under MEDIA_ROOT, which the web server hands
    to anyone: the admin serves it only to those who may see the cadre.
    """

    cadre = models.OneToOneField(Cadre, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="photo")
    image = models.BinaryField(_("image"))
    content_type = models.CharField(_("content type"), max_length=30)
    digest = models.CharField(_("SHA-256"), max_length=64, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cadre photo")
        verbose_name_plural = _("cadre photos")

    def __str__(self):
        return str(self.cadre)


class Membership(Orderable):
    """A cadre's seat in a leadership team, with posts and division of work (SYS-2).

    ``start_date`` and ``end_date`` say when the cadre held the seat; the
    yearly results assess every cadre who held a seat during the year, for the
    days they held it. ``post_group`` (职务) groups seats for ranking; left
    empty, it follows from the posts (``group``).
    """

    team = ParentalKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="memberships")
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="memberships")
    party_post = models.CharField(_("party post"), max_length=50, blank=True, help_text=_("e.g. 党委书记, 党组成员"))
    administrative_post = models.CharField(
        _("administrative post"), max_length=50, blank=True, help_text=_("e.g. 局长, 副镇长")
    )
    work_in_charge = models.TextField(_("work in charge"), blank=True)
    departments_in_charge = models.CharField(_("departments in charge"), max_length=300, blank=True)
    telephone = models.CharField(_("telephone"), max_length=30, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while the cadre holds the seat."))
    post_group = models.CharField(
        _("post group"),
        max_length=16,
        choices=PostGroup.choices,
        blank=True,
        help_text=_(
            "How the seat ranks in the yearly results (党政正职, 副职, 其他班子成员). "
            "Left empty, it follows from the posts."
        ),
    )
    external_id = models.CharField(_("external identifier"), max_length=64, null=True, blank=True, unique=True)

    class Meta(Orderable.Meta):
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="org_membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        post = self.party_post or self.administrative_post
        return f"{self.cadre} · {self.team}" + (f" · {post}" if post else "")

    @property
    def posts(self) -> str:
        return "、".join(p for p in (self.party_post, self.administrative_post) if p)

    @property
    def group(self) -> str:
        """The post group: the one set by hand, else the one the posts suggest."""
        return self.post_group or post_group_of(self.party_post, self.administrative_post)

    def get_group_display(self) -> str:
        return str(PostGroup(self.group).label)

    get_group_display.short_description = _("post group")

    def days_within(self, start, end) -> int:
        """How many days between ``start`` and ``end`` (both included) the seat was held."""
        first = max(start, self.start_date) if self.start_date else start
        last = min(end, self.end_date) if self.end_date else end
        return max(0, (last - first).days + 1)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
        if self.cadre_id is None:
            return
        clash = overlapping_memberships(self)
        if clash is not None:
            raise ValidationError(
                {
                    "cadre": _("%(cadre)s already holds the post “%(post)s” in %(team)s during this period.")
                    % {"cadre": clash.cadre, "post": clash.posts or "—", "team": clash.team}
                }
            )

    def is_current(self, on=None) -> bool:
        from django.utils import timezone

        day = on or timezone.localdate()
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)


def periods_overlap(a_start, a_end, b_start, b_end) -> bool:
    return (a_end is None or b_start is None or b_start <= a_end) and (
        b_end is None or a_start is None or a_start <= b_end
    )


def overlapping_memberships(membership: Membership) -> Membership | None:
    """Another seat that this one clashes with, or None (see ``clashing_seat``)."""
    others = Membership.objects.filter(cadre_id=membership.cadre_id).select_related("team", "cadre")
    if membership.pk:
        others = others.exclude(pk=membership.pk)
    return clashing_seat(membership, others, same_team=lambda a, b: a.team_id is not None and a.team_id == b.team_id)


def clashing_seat(membership: Membership, others, *, same_team) -> Membership | None:
    """The first of the cadre's ``others`` seats that ``membership`` clashes with, or None.

    A cadre may not sit twice in the same team at once (``same_team(membership, other)``
    decides what "same" means to the caller: saved ids, or an import's planned rows), nor hold
    the same post (party or administrative) in two teams at once.
    """
    for other in others:
        if not periods_overlap(membership.start_date, membership.end_date, other.start_date, other.end_date):
            continue
        same_post = (membership.party_post and membership.party_post == other.party_post) or (
            membership.administrative_post and membership.administrative_post == other.administrative_post
        )
        if same_team(membership, other) or same_post:
            return other
    return None


class WorkGroup(RevisionMixin, ClusterableModel):
    """An assessment work group or evaluation work group (SYS-4)."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment work group")
        EVALUATION = "evaluation", _("Evaluation work group")

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    duties = models.TextField(_("duties"), blank=True)
    units = ParentalManyToManyField(Unit, verbose_name=_("units assigned"), blank=True, related_name="work_groups")

    class Meta:
        verbose_name = _("work group")
        verbose_name_plural = _("work groups")
        ordering = ["-year", "kind", "name"]

    def __str__(self):
        return self.name


class WorkGroupMember(Orderable):
    """A person in a work group, with their post (组长, 副组长, 成员) and share of the work."""

    group = ParentalKey(WorkGroup, verbose_name=_("work group"), on_delete=models.CASCADE, related_name="members")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_group_memberships",
    )
    post = models.CharField(_("post"), max_length=50, help_text=_("e.g. 组长, 副组长, 成员"))
    duties = models.CharField(_("division of work"), max_length=300, blank=True)
    unit_and_position = models.CharField(_("unit and position"), max_length=100, blank=True)
    telephone = models.CharField(_("telephone"), max_length=30, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("work group member")
        verbose_name_plural = _("work group members")

    def __str__(self):
        return f"{self.name}（{self.post}）"


class OrgImport(models.Model):
    """One upload of organisation data (SYS-10): checked first, applied all at once, and kept as a log.

    What was uploaded (a workbook's rows, or the forms) stays in ``payload`` only until it is
    applied or discarded; the rows' outcome (new, changed field by field, unchanged, errors)
    stays for good.
    """

    class Source(models.TextChoices):
        WORKBOOK = "workbook", _("Excel workbook")
        LRMX = "lrmx", _("Appointment forms (.lrmx)")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked, not applied")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CHECKED)
    file_name = models.CharField(_("file"), max_length=255)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    payload = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("organisation data import")
        verbose_name_plural = _("organisation data imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def ok(self) -> bool:
        return bool(self.summary) and not self.summary.get("errors") and not self.summary.get("error_rows")
