"""Public service-level and ombudsman figures: no login, no personal data."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from stadhuis.cases import queries_staff as queries

# The same for everyone: shared caches may keep it for a few minutes.
public_page = cache_control(public=True, max_age=300)


@public_page
@require_GET
def figures(request):
    """Per year: the ombudsman's figures and, per case type, how fast the city was."""
    return render(
        request,
        "cases/public/figures.html",
        {"years": queries.published_figures(), "small_cell": queries.SMALL_CELL},
    )


CSV_FIELDS = ("opened", "closed", "median_days", "on_time_percent")


@public_page
@require_GET
def figures_csv(request):
    """The same figures as CSV, one figure per row (year, subject, measure, value)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stadhuis-cijfers.csv"'
    writer = csv.writer(response)
    writer.writerow(["jaar", "onderwerp", "cijfer", "waarde"])
    for year in queries.published_figures():
        for key, _label, value in year.ombudsman:
            writer.writerow([year.year, "ombudsman", key, value])
        for item in year.types:
            names = {
                "opened": "geopend",
                "closed": "afgesloten",
                "median_days": "mediaan-dagen-tot-afsluiten",
                "on_time_percent": "procent-binnen-termijn",
            }
            for name in CSV_FIELDS:
                writer.writerow([year.year, item["code"], names[name], item[name]])
    return response
