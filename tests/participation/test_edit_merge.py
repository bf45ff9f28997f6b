"""services.edit_merge: two editors of one process. Only what the second changed from
what their page showed counts; a field both changed to different values waits for a
choice."""

from hypothesis import given
from hypothesis import strategies as st

from stadhuis.participation.services import KEEP_SENT, KEEP_STORED, edit_merge


def test_what_the_editor_left_as_shown_keeps_the_other_editors_change():
    merge = edit_merge(
        shown={"title": "Oud", "question": "Vraag"},
        sent={"title": "Oud", "question": "Nieuwe vraag"},
        stored={"title": "Titel van de eerste", "question": "Vraag"},
    )
    assert merge.values == {"title": "Titel van de eerste", "question": "Nieuwe vraag"}
    assert merge.adopted == {"title"}  # the editor has not seen it yet
    assert not merge.contested and not merge.undecided
    assert merge.to_review


def test_a_field_both_changed_differently_waits_for_a_choice():
    args = {"shown": {"budget": 100}, "sent": {"budget": 300}, "stored": {"budget": 200}}
    merge = edit_merge(**args)
    assert merge.contested == merge.undecided == {"budget"}
    assert merge.values == {"budget": 300}  # shown again as typed
    assert merge.to_review
    kept = edit_merge(**args, keep={"budget": KEEP_STORED})
    assert (kept.values, kept.undecided, kept.to_review) == ({"budget": 200}, set(), False)
    mine = edit_merge(**args, keep={"budget": KEEP_SENT})
    assert (mine.values, mine.contested, mine.to_review) == ({"budget": 300}, {"budget"}, False)


def test_the_same_change_by_both_is_no_conflict():
    merge = edit_merge(shown={"min_age": 0}, sent={"min_age": 16}, stored={"min_age": 16})
    assert merge.values == {"min_age": 16} and not merge.to_review


def test_an_item_the_page_did_not_say_it_showed_takes_what_was_sent():
    """A page from before the shown values were sent: as before, what it sends counts."""
    merge = edit_merge(shown={}, sent={"title": "Nieuw"}, stored={"title": "Oud"})
    assert merge.values == {"title": "Nieuw"} and not merge.to_review


def test_phases_and_lists_are_items_of_their_own():
    shown = {"phase_voting": ("2027-01-01", "2027-01-10"), "neighbourhoods": ()}
    merge = edit_merge(
        shown=shown,
        sent={"phase_voting": ("2027-01-01", "2027-01-10"), "neighbourhoods": ("oost",)},
        stored={"phase_voting": ("2027-02-01", "2027-02-10"), "neighbourhoods": ()},
    )
    assert merge.values == {
        "phase_voting": ("2027-02-01", "2027-02-10"),
        "neighbourhoods": ("oost",),
    }


values = st.sampled_from(["a", "b", "c"])


@given(base=values, mine=values, now=values, keep=st.sampled_from([None, KEEP_STORED, KEEP_SENT]))
def test_no_change_of_either_editor_is_lost_unseen(base, mine, now, keep):
    merge = edit_merge(
        shown={"x": base}, sent={"x": mine}, stored={"x": now}, keep={"x": keep} if keep else {}
    )
    value = merge.values["x"]
    if mine == base:  # the editor changed nothing: the stored value stands
        assert value == now
    elif now in (base, mine):  # only the editor changed it (or both alike)
        assert value == mine
    else:  # both, differently: theirs only by choice, and no save without one
        assert "x" in merge.contested
        assert value == (now if keep == KEEP_STORED else mine)
        assert ("x" in merge.undecided) == (keep is None)
    assert merge.to_review == (("x" in merge.adopted) or ("x" in merge.undecided))
