"""Scores round half up in one place, so a score prints the same on every screen and export
(RES-1, EVAL-8)."""

from decimal import Decimal

from kaohe.core.numbers import round_score


def test_half_up_not_half_even():
    """RES-1: 89.125 is 89.13 and 89.135 is 89.14, as the office's spreadsheets round."""
    assert round_score(Decimal("89.125")) == Decimal("89.13")
    assert round_score(Decimal("89.135")) == Decimal("89.14")
    assert round_score(Decimal("-0.005")) == Decimal("-0.01")


def test_floats_round_as_written_and_places_are_chosen():
    assert round_score(0.125) == Decimal("0.13")
    assert round_score(2.675) == Decimal("2.68")
    assert round_score(12.25, 1) == Decimal("12.3")
    assert round_score("7", 0) == Decimal("7")
    assert round_score(None) is None


def test_eval6_the_progress_share_of_submitted_accounts_rounds_half_up():
    """EVAL-6: 1 of 8 accounts submitted is 13 % on the progress screen (half up, as round_score), not 12."""
    from kaohe.evaluation.selectors import CategoryProgress

    assert CategoryProgress(category=None, issued=8, submitted=1).percent_submitted == 13
    assert CategoryProgress(category=None, issued=3, submitted=1).percent_submitted == 33
    assert CategoryProgress(category=None).percent_submitted == 0
