"""Statutory and promised terms: calendar days, working days, weeks, months.

The Algemene termijnenwet (art. 1) moves a term that ends on a Saturday, Sunday or
public holiday to the next working day. The public holidays of that law (New Year,
Good Friday, Easter Monday, King's Day, 5 May, Ascension, Whit Monday, Christmas)
come from the maintained ``holidays`` package (plus 5 May, which the law counts every
year and the national calendar only every fifth); its NL calendar also lists the
Sundays Easter and Whitsun, which are weekend days anyway.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _


class TermUnit(models.TextChoices):
    DAYS = "days", _("kalenderdagen")
    WORKING_DAYS = "working_days", _("werkdagen")
    WEEKS = "weeks", _("weken")
    MONTHS = "months", _("maanden")


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    days = set(holidays.country_holidays("NL", years=year).keys())
    # The law names 5 May every year; the national calendar only in lustrum years.
    days.add(dt.date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month, ``months`` later; clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_term(start: dt.date, amount: int, unit: str) -> dt.date:
    """The raw end of a term of ``amount`` ``unit`` that starts the day after ``start``."""
    if amount < 0:
        raise ValueError("a term cannot be negative")
    if unit == TermUnit.DAYS:
        return start + dt.timedelta(days=amount)
    if unit == TermUnit.WEEKS:
        return start + dt.timedelta(weeks=amount)
    if unit == TermUnit.MONTHS:
        return add_months(start, amount)
    if unit == TermUnit.WORKING_DAYS:
        day, left = start, amount
        while left:
            day += dt.timedelta(days=1)
            if is_working_day(day):
                left -= 1
        return day
    raise ValueError(f"unknown term unit {unit!r}")


def deadline(
    *,
    received_on: dt.date,
    amount: int,
    unit: str,
    extension_amount: int = 0,
    extension_unit: str | None = None,
    suspended_days: int = 0,
) -> dt.date:
    """The day by which the city must decide.

    The term runs from the day after receipt; an extension adds to the end of the
    original term; a suspension (Awb 4:15) pushes the end by the days it lasted. The
    result moves to the next working day (Algemene termijnenwet).
    """
    end = add_term(received_on, amount, unit)
    if extension_amount:
        end = add_term(end, extension_amount, extension_unit or unit)
    end += dt.timedelta(days=suspended_days)
    return next_working_day(end)
