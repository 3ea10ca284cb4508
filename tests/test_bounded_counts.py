"""Counts on tabs, badges and the dashboard stop at a cap ("99+"): at a million cases an
exact count of a long queue costs a scan of it, on every page."""

import pytest

from inquiries.models import User
from inquiries.selectors_referrals import COUNT_CAP, BoundedCount, CappedCount, capped


def test_a_count_below_the_cap_is_the_number_itself():
    assert capped(7) == 7
    assert capped(None) == 0
    assert str(capped(COUNT_CAP - 1)) == str(COUNT_CAP - 1)


def test_a_count_at_the_cap_reads_99_plus_and_compares_as_the_cap():
    count = capped(COUNT_CAP)

    assert isinstance(count, CappedCount)
    assert str(count) == "99+"
    assert count == COUNT_CAP
    assert count > 10
    assert int(count) == COUNT_CAP


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "expected"), [(2, 2), (3, "2+"), (5, "2+")])
def test_the_bounded_count_stops_at_its_cap(rows, expected):
    for index in range(rows):
        User.objects.create_user(username=f"listed{index}", password="x")
    user = User.objects.create_user(username="reader", password="x")

    row = (
        User.objects.filter(pk=user.pk)
        .values(n=BoundedCount(User.objects.filter(username__startswith="listed"), cap=3))
        .first()
    )

    assert str(capped(row["n"], cap=3)) == str(expected)
