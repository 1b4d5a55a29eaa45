"""The rights every county starts with (SYS-11), equal to what the portal did before the
office could set them: everyone reads published goals, submitted progress and published
commitments; work records, work reports and quarterly grades stay with the unit itself,
the county leaders, the office and the assessment groups; everyone may read and write
comments, the public's waiting for review. A row the office saves replaces its default.
"""

from __future__ import annotations

from kaohe.core.roles import RoleCode

from .kinds import PUBLIC, READER_FAMILY, ROLE_FAMILY, UNIT_KIND_FAMILY, family_of, role_kind
from .models import COMMENT_SUBJECTS, Moderation, Scope, Subject

A, OWN_UNIT, N = Scope.ALL, Scope.OWN, Scope.NONE
PUBLIC_MATERIAL = {Subject.GOALS: A, Subject.PROGRESS: A, Subject.COMMITMENTS: A}
UNIT_MATERIAL = {Subject.RECORDS: OWN_UNIT, Subject.REPORTS: OWN_UNIT, Subject.QUARTERLY: OWN_UNIT}
EVERYTHING = {subject: A for subject in Subject.values}
READ = {
    PUBLIC: PUBLIC_MATERIAL | {Subject.RECORDS: N, Subject.REPORTS: N, Subject.QUARTERLY: N},
    role_kind(RoleCode.OFFICE): EVERYTHING,
    role_kind(RoleCode.COUNTY_LEADER): EVERYTHING,
    role_kind(RoleCode.ASSESSMENT_GROUP): EVERYTHING,
    role_kind(RoleCode.UNIT_ADMIN): PUBLIC_MATERIAL | UNIT_MATERIAL,
    role_kind(RoleCode.TEAM_MEMBER): PUBLIC_MATERIAL | UNIT_MATERIAL,
    role_kind(RoleCode.CADRE): PUBLIC_MATERIAL | UNIT_MATERIAL,
    role_kind(RoleCode.SYSTEM_ADMIN): PUBLIC_MATERIAL,
    role_kind(RoleCode.EDITOR): PUBLIC_MATERIAL,
}
# Evaluators read what they need to judge a target (BG-3, EVAL-7), not the comments.
READER_DEFAULT = PUBLIC_MATERIAL | {Subject.RECORDS: A, Subject.REPORTS: A, Subject.QUARTERLY: N}


def default_rule(kind: str, subject: str) -> tuple[str, str, str]:
    """(read scope, comment scope, moderation) of a kind and subject the office has not set."""
    family = family_of(kind)
    if family == UNIT_KIND_FAMILY:
        # The people of a kind of unit get what their roles give them; the office may add to it.
        return N, N, Moderation.POST
    if family == READER_FAMILY:
        return READER_DEFAULT.get(subject, N), N, Moderation.PRE
    if subject in COMMENT_SUBJECTS:
        if kind == PUBLIC:
            return A, A, Moderation.PRE
        return A, A, Moderation.POST
    if family == ROLE_FAMILY or kind == PUBLIC:
        return READ.get(kind, {}).get(subject, N), N, Moderation.POST
    return N, N, Moderation.PRE
