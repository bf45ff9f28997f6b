"""Terms: working days, Dutch public holidays, the Algemene termijnenwet."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from stadhuis.cases.terms import add_months, add_term, deadline, is_working_day

D = dt.date


def test_holidays_of_the_algemene_termijnenwet_are_not_working_days():
    for day in [
        D(2026, 1, 1),
        D(2026, 4, 3),
        D(2026, 4, 6),
        D(2026, 4, 27),
        D(2026, 5, 5),
        D(2026, 5, 14),
        D(2026, 5, 25),
        D(2026, 12, 25),
        D(2026, 12, 26),
    ]:
        assert not is_working_day(day), day
    assert is_working_day(D(2026, 11, 23))


def test_a_term_ending_on_a_weekend_moves_to_monday():
    # 6 weeks after Saturday 10 October 2026 is Saturday 21 November -> Monday 23 November
    assert deadline(received_on=D(2026, 10, 10), amount=6, unit="weeks") == D(2026, 11, 23)


def test_a_term_ending_on_kings_day_moves_on():
    # 1 month after 27 March 2026 is Monday 27 April (King's Day) -> Tuesday 28 April
    assert deadline(received_on=D(2026, 3, 27), amount=1, unit="months") == D(2026, 4, 28)


def test_working_days_skip_weekends_and_easter():
    # received Thursday 2 April 2026; Good Friday 3, Easter Monday 6 April are not counted
    assert add_term(D(2026, 4, 2), 3, "working_days") == D(2026, 4, 9)


def test_extension_adds_to_the_original_end_and_suspension_pushes_it():
    base = deadline(received_on=D(2026, 1, 5), amount=6, unit="weeks")
    extended = deadline(
        received_on=D(2026, 1, 5),
        amount=6,
        unit="weeks",
        extension_amount=4,
        extension_unit="weeks",
    )
    assert base == D(2026, 2, 16) and extended == D(2026, 3, 16)
    suspended = deadline(received_on=D(2026, 1, 5), amount=6, unit="weeks", suspended_days=3)
    assert suspended == D(2026, 2, 19)


def test_months_clamp_to_the_end_of_the_month():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 11, 30), 2) == D(2027, 1, 30)


@given(
    st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    st.integers(min_value=0, max_value=120),
    st.sampled_from(["days", "working_days", "weeks", "months"]),
    st.integers(min_value=0, max_value=60),
)
def test_a_deadline_is_a_working_day_not_before_the_raw_end(start, amount, unit, suspended):
    end = deadline(received_on=start, amount=amount, unit=unit, suspended_days=suspended)
    assert is_working_day(end)
    raw = add_term(start, amount, unit) + dt.timedelta(days=suspended)
    assert raw <= end <= raw + dt.timedelta(days=5)
