"""The records the cadre-management system pushes and pulls, keyed by its own identifiers (SYS-3).

A reference to another record (a cadre's unit, a membership's team and cadre)
is that record's ``external_id``, so the other system never needs the
portal's own numbers. The same serializers describe what the portal's pull
command expects from the other system.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kaohe.org.models import Cadre, Membership, Team, Unit
from kaohe.org.permissions import can_view_cadre_personal_data
from kaohe.org.selectors import all_cadres, all_teams, all_units, unit_kinds

from ..models import ApiClient

EXTERNAL_ID_HELP = _("The record's identifier in the cadre-management system: the key of the upsert.")


def reference(queryset, missing_message, **kwargs):
    """A field holding another record's external identifier."""
    return serializers.SlugRelatedField(
        slug_field="external_id",
        queryset=queryset,
        error_messages={"does_not_exist": missing_message, "invalid": _("Give the identifier as text.")},
        **kwargs,
    )


NO_UNIT = _("No unit with the identifier “{value}”: push the unit first.")


RESERVED_IDENTIFIERS = {"bulk"}


class RecordSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(max_length=64, help_text=EXTERNAL_ID_HELP)

    def validate_external_id(self, value):
        if value.lower() in RESERVED_IDENTIFIERS or "/" in value:
            raise serializers.ValidationError(_("“bulk” and identifiers with “/” are reserved by the API's addresses."))
        return value

    class Meta:
        # Uniqueness and the models' own rules are checked by the model's
        # full_clean, which knows whether the record is created or updated.
        validators = []


class UnitRecordSerializer(RecordSerializer):
    kind = serializers.SlugRelatedField(
        slug_field="name",
        queryset=unit_kinds(),
        help_text=_("The unit kind's name, e.g. 县政府工作部门; the kind must exist in the portal."),
        error_messages={"does_not_exist": _("No unit kind named “{value}”: the assessment office adds kinds.")},
    )
    parent = reference(
        all_units(),
        NO_UNIT,
        allow_null=True,
        required=False,
        help_text=_("The parent unit's identifier, or null for a top-level unit."),
    )

    class Meta(RecordSerializer.Meta):
        model = Unit
        fields = [
            "id",
            "external_id",
            "name",
            "short_name",
            "kind",
            "parent",
            "duties",
            "internal_organisation",
            "contact_person",
            "contact_phone",
            "contact_email",
            "address",
            "sort_order",
            "is_active",
        ]
        read_only_fields = ["id"]


class TeamRecordSerializer(RecordSerializer):
    unit = reference(all_units(), NO_UNIT, help_text=_("The unit's identifier."))

    class Meta(RecordSerializer.Meta):
        model = Team
        fields = ["id", "external_id", "unit", "name", "team_type"]
        read_only_fields = ["id"]


class CadreRecordSerializer(RecordSerializer):
    unit = reference(
        all_units(),
        NO_UNIT,
        allow_null=True,
        required=False,
        help_text=_("The identifier of the unit where the cadre works, or null."),
    )

    class Meta(RecordSerializer.Meta):
        model = Cadre
        fields = [
            "id",
            "external_id",
            "name",
            "sex",
            "birth_date",
            "unit",
            "position",
            "rank",
            "profession",
            "education",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    PERSONAL_FIELDS = ("birth_date", "education")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        # An API client with the read scope is the cadre-management system itself; a person
        # reading with their browser session sees personnel data only in a role that keeps it.
        if request is not None and not isinstance(actor, ApiClient) and not can_view_cadre_personal_data(actor):
            for name in self.PERSONAL_FIELDS:
                data.pop(name, None)
        return data


class MembershipRecordSerializer(RecordSerializer):
    team = reference(
        all_teams(),
        _("No leadership team with the identifier “{value}”: push the team first."),
        help_text=_("The team's identifier."),
    )
    cadre = reference(
        all_cadres(),
        _("No cadre with the identifier “{value}”: push the cadre first."),
        help_text=_("The cadre's identifier."),
    )

    class Meta(RecordSerializer.Meta):
        model = Membership
        fields = [
            "id",
            "external_id",
            "team",
            "cadre",
            "party_post",
            "administrative_post",
            "work_in_charge",
            "departments_in_charge",
            "telephone",
            "start_date",
            "end_date",
        ]
        read_only_fields = ["id"]


class RecordOutcomeSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("Position of the record in the request, from 0."))
    external_id = serializers.CharField(allow_null=True)
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged", "refused"])
    id = serializers.IntegerField(allow_null=True, help_text=_("The portal's number of the record."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Why the record was refused, by field; empty otherwise."),
    )


class BulkReportSerializer(serializers.Serializer):
    exchange = serializers.IntegerField(help_text=_("Number of this exchange in the portal's exchange log."))
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    results = RecordOutcomeSerializer(many=True)


def bulk_request_serializer(record_serializer):
    """The documented body of a bulk push: ``{"records": [...]}``.

    The view checks only that ``records`` is a list; each record is then
    checked on its own, so one bad record is reported and refused alone.
    """
    return type(
        record_serializer.__name__.replace("RecordSerializer", "BulkRequestSerializer"),
        (serializers.Serializer,),
        {"records": record_serializer(many=True, help_text=_("The records, each as in the single push."))},
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def single_push_serializer(record_serializer):
    """The documented body of ``PUT /<kind>/<external_id>/``: the identifier is in the address, so optional here."""
    return type(
        record_serializer.__name__.replace("RecordSerializer", "UpsertSerializer"),
        (record_serializer,),
        {
            "external_id": serializers.CharField(
                max_length=64, required=False, help_text=_("Optional; if given, the same as in the address.")
            ),
            "Meta": record_serializer.Meta,
        },
    )
