"""SYS-2 and RES-3: a seat's post group (职务: 党政正职, 副职, 其他班子成员) and the days it was held in a year."""

from datetime import date

import pytest

from kaohe.org.models import PostGroup, post_group_of
from kaohe.org.selectors import memberships_in_period
from tests.factories import MembershipFactory, TeamFactory, UnitFactory

P, D, OTHER = PostGroup.PRINCIPAL, PostGroup.DEPUTY, PostGroup.OTHER


@pytest.mark.parametrize(
    ("party_post", "administrative_post", "group"),
    [
        ("党组书记", "局长", P),
        ("党委书记", "", P),
        ("党委副书记", "镇长", P),  # the 镇长 is a principal post even when the party post is a deputy's
        ("", "街道办事处主任", P),
        ("党组成员", "副局长", D),
        ("党委委员", "副镇长", D),
        ("", "街道办事处副主任", D),
        ("党委委员、纪委书记", "", OTHER),
        ("党组成员", "纪检监察组组长", OTHER),
        ("党委委员、组织委员", "", OTHER),
        ("党组成员", "", OTHER),
        ("", "", OTHER),
    ],
)
def test_res3_post_group_follows_from_the_posts(party_post, administrative_post, group):
    assert post_group_of(party_post, administrative_post) == group


@pytest.mark.django_db
def test_res3_post_group_set_by_hand_wins():
    seat = MembershipFactory(party_post="党组成员", administrative_post="副局长")
    assert seat.group == D and seat.get_group_display() == "副职"
    seat.post_group = P
    seat.save()
    seat.refresh_from_db()
    assert seat.group == P


@pytest.mark.django_db
def test_sys2_seats_held_in_a_year_with_their_days():
    team = TeamFactory(unit=UnitFactory())
    whole = MembershipFactory(team=team, start_date=date(2020, 1, 1))
    joined = MembershipFactory(team=team, start_date=date(2025, 9, 1))
    left = MembershipFactory(team=team, start_date=date(2021, 3, 1), end_date=date(2025, 6, 30))
    MembershipFactory(team=team, start_date=date(2019, 1, 1), end_date=date(2024, 12, 31))  # gone before 2025
    MembershipFactory(team=team, start_date=date(2026, 1, 1))  # came after 2025
    inactive = MembershipFactory(team=TeamFactory(unit=UnitFactory(is_active=False)), start_date=date(2020, 1, 1))
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    seats = memberships_in_period(start=start, end=end)
    assert {seat.pk for seat in seats} == {whole.pk, joined.pk, left.pk}
    assert [seat.days_within(start, end) for seat in (whole, joined, left)] == [365, 122, 181]
    assert inactive.pk in {seat.pk for seat in memberships_in_period(start=start, end=end, active_units_only=False)}
