"""Accessibility of the participation results pages, as far as the HTML shows it."""

from django.urls import reverse

from stadhuis.participation import services
from tests.web.a11y import assert_tables_scroll_in_labelled_regions

from .conftest import published_count, set_phase


def test_budget_results_table_scrolls_in_its_own_labelled_box(budget, me, admin, client):
    process, (playground, _trees, benches) = budget
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1, benches.code: 1})
    published_count(process, admin)
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert '<caption id="uitslag-per-project">' in html


def test_a_visible_caption_stays_readable_in_a_table_box_narrower_than_the_table():
    """At 320 px the results table is wider than its box; its caption, centred over the
    whole table, showed as "Per project: gekozen of nie". It starts at the box's edge, wraps
    within the box (100cqi: the box is a size container) and stays there while scrolling;
    visually hidden captions keep their own positioning."""
    import re

    from django.contrib.staticfiles import finders

    css = open(finders.find("web/stadhuis.css"), encoding="utf-8").read()  # noqa: SIM115
    boxes = re.findall(r"\n\.table-scroll\s*\{([^}]*)\}", css)
    assert any("container-type: inline-size" in box for box in boxes)
    rule = r"\.table-scroll > \.table > caption:not\(\.visually-hidden\)\s*\{([^}]*)\}"
    caption = re.search(rule, css).group(1)
    for declaration in ("position: sticky", "left: 0", "max-width: 100cqi", "text-align: left"):
        assert declaration in caption


def test_consultation_results_tables_are_named_by_their_question(client, make_process, admin, me):
    process = make_process("consultation")
    questions = [
        services.question_add(
            actor=admin, process=process, kind="single", text=text, choices=["Vaak", "Nooit"]
        )
        for text in ("Hoe vaak?", "Hoe graag?")
    ]
    services.response_submit(actor=me, process=process, answers={q.pk: "Vaak" for q in questions})
    set_phase(process, "results")
    url = reverse("participation:results", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    # each box is named by its question and its count column ("Hoe vaak? Aantal"), not by
    # the question alone: that is the name of the question's section (two landmarks, one name)
    assert assert_tables_scroll_in_labelled_regions(html) == 2
    for question in questions:
        names = f"vraag-{question.pk} vraag-{question.pk}-telling"
        assert f'aria-labelledby="{names}" tabindex="0"' in html
        assert f'<th scope="col" id="vraag-{question.pk}-telling">Aantal</th>' in html


def test_staff_process_ideas_table_scrolls_in_its_own_labelled_box(
    client, staff_client, make_process, me
):
    from .test_views_staff import _idea

    staff_client("case_handler", "administrator")
    process = make_process("budget")
    _idea(me, process)
    url = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    html = client.get(url).content.decode()
    # named by its own caption, not by the section's heading (two landmarks, one name)
    assert assert_tables_scroll_in_labelled_regions(html) == 1
    assert 'aria-labelledby="ideeen-caption"' in html
