"""Whatever residents do (vote, change with the right or a wrong receipt), exactly one
ballot per voter counts, and it is the last one they cast."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stadhuis.core.errors import StadhuisError
from stadhuis.participation import queries, services
from stadhuis.participation.models import Ballot, VoterRollEntry

VOTERS = ["111222333", "123456782", "111111110"]

actions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(VOTERS) - 1),  # who
        st.sets(st.integers(min_value=0, max_value=2), min_size=1),  # which projects
        st.sampled_from(["right", "wrong", "none"]),  # which receipt they give
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_one_counted_ballot_per_voter(budget, make_resident, steps):
    process, projects = budget
    Ballot.objects.filter(process=process).delete()
    VoterRollEntry.objects.filter(process=process).delete()
    actors = [make_resident(bsn) for bsn in VOTERS]
    receipts: dict[int, str] = {}
    last: dict[int, dict] = {}
    for who, picks, given_receipt in steps:
        choices = {projects[i].code: 1 for i in picks}
        previous = {
            "right": receipts.get(who, ""),
            "wrong": services.new_receipt(),
            "none": "",
        }[given_receipt]
        try:
            receipts[who] = services.ballot_cast(
                actor=actors[who], process=process, choices=choices, previous_receipt=previous
            )
        except StadhuisError:
            # refused only when they had voted and gave no or a wrong receipt
            assert who in receipts and previous != receipts[who]
            continue
        last[who] = choices
    assert VoterRollEntry.objects.filter(process=process).count() == len(receipts)
    stored = sorted(
        map(sorted, Ballot.objects.filter(process=process).values_list("choices", flat=True))
    )
    assert stored == sorted(map(sorted, last.values()))
    for receipt in receipts.values():
        assert queries.receipt_counted(process, receipt)
