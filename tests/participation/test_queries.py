"""Participation reads: the rules about what may be shown live here, not in views."""

from stadhuis.participation import queries, services
from stadhuis.participation.models import Phase

from .conftest import set_phase


def test_consultation_results_are_published_only_after_answering_closed(make_process, admin, me):
    process = make_process("consultation")
    question = services.question_add(
        actor=admin, process=process, kind="single", text="Hoe vaak?", choices=["Vaak", "Nooit"]
    )
    services.response_submit(actor=me, process=process, answers={question.pk: "Vaak"})
    assert queries.published_consultation_results(process) is None
    set_phase(process, "results")
    (result,) = queries.published_consultation_results(process)
    assert result.counts == [("Vaak", 1), ("Nooit", 0)]
    # Without an answering phase there is nothing to wait for.
    Phase.objects.filter(process=process, kind="ideas").delete()
    process.__dict__.pop("phase_list", None)
    assert queries.published_consultation_results(process) is not None


def test_staff_lookups_find_hidden_things_and_nothing_unknown(make_process, me, handler):
    idea = services.idea_submit(
        actor=me, process=make_process(), title="Meer bomen", body="Bomen geven schaduw"
    )
    comment = services.comment_add(actor=me, idea=idea, body="Goed plan")
    services.idea_moderate(actor=handler, idea=idea, action="hide", reason="Dubbel")
    assert queries.staff_idea(idea.public_id) == idea
    assert queries.public_idea(idea.public_id) is None
    assert queries.staff_comment(comment.public_id) == comment
    unknown = "00000000-0000-4000-8000-000000000000"
    for lookup in (
        queries.staff_idea,
        queries.staff_comment,
        queries.staff_answer,
        queries.staff_project,
        queries.staff_application,
        queries.staff_count,
    ):
        assert lookup(unknown) is None
