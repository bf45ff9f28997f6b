"""Participation's dossier section: a resident who never took part costs one query,
and a resident with any one kind of row sees it."""

import pytest

from stadhuis.participation import dossier, services


def test_a_resident_who_never_took_part_costs_one_query(me, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert dossier.records(me.subject) == []


@pytest.mark.parametrize(
    ("action", "object_type"),
    [
        (
            lambda me, idea: services.idea_submit(
                actor=me, process=idea.process, title="Eigen", body="x"
            ),
            "idee",
        ),
        (lambda me, idea: services.comment_add(actor=me, idea=idea, body="Goed plan"), "reactie"),
        (lambda me, idea: services.idea_support(actor=me, idea=idea), "steun"),
        (
            lambda me, idea: services.abuse_report(actor=me, idea=idea, reason="Scheldwoord"),
            "melding",
        ),
    ],
)
def test_a_resident_with_one_kind_of_row_sees_it(
    me, make_resident, make_process, action, object_type
):
    other = make_resident("123456782")
    idea = services.idea_submit(actor=other, process=make_process(), title="Bankje", body="Graag")
    assert dossier.records(me.subject) == []
    action(me, idea)
    assert [r.object_type for r in dossier.records(me.subject)] == [object_type]


def test_the_one_query_looks_in_every_table_of_the_section():
    """A model added to the section must be added to the check, or its rows would hide
    whenever the resident has no other participation row. Answers belong to a response."""
    (section,) = [s for s in dossier.SECTIONS if s.key == "meedoen"]
    checked = {model._meta.label for model, _field in dossier._OWNERS}
    assert checked == set(section.models) - {"participation.Answer"}
