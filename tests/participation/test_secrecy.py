"""Ballot secrecy: the voter roll (who, when) and the ballots (what) share no link."""

from django.db import models

from stadhuis.participation import queries, services
from stadhuis.participation.models import Ballot, VoterRollEntry
from stadhuis.privacy.models import ProcessingLogEntry


def test_a_ballot_has_no_voter_no_time_and_no_sequence():
    fields = {f.name: f for f in Ballot._meta.get_fields() if f.concrete}
    assert set(fields) == {"id", "process", "receipt_hash", "choices", "paper", "entered_by"}
    assert isinstance(fields["id"], models.UUIDField)  # random, not an auto-increment
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in fields.values())


def test_the_roll_has_no_field_that_leads_to_a_ballot():
    related = [
        f.related_model
        for f in VoterRollEntry._meta.get_fields()
        if f.is_relation and f.related_model is not None
    ]
    assert Ballot not in related
    assert not any(
        f.related_model is VoterRollEntry for f in Ballot._meta.get_fields() if f.is_relation
    )


def test_nothing_stored_or_logged_reveals_the_receipt_hash(budget, me, make_resident):
    process, (playground, trees, benches) = budget
    receipts = [services.ballot_cast(actor=me, process=process, choices={playground.code: 1})]
    for bsn, project in [("123456782", trees), ("111111110", benches)]:
        receipts.append(
            services.ballot_cast(
                actor=make_resident(bsn), process=process, choices={project.code: 1}
            )
        )
    hashes = set(Ballot.objects.values_list("receipt_hash", flat=True))
    assert hashes == {services.receipt_hash(r) for r in receipts}
    for entry in VoterRollEntry.objects.all():
        stored = {str(getattr(entry, f.attname)) for f in VoterRollEntry._meta.concrete_fields}
        assert not stored & hashes
        assert entry.receipt_check not in hashes
        assert len(entry.receipt_hint) == 4
    log_values = set()
    for row in ProcessingLogEntry.objects.values():
        log_values |= {str(v) for v in row.values()}
    assert not any(h in value for h in hashes for value in log_values)
    assert not any(r in value for r in receipts for value in log_values)


def test_ballot_ids_do_not_follow_the_order_of_voting(budget, make_resident):
    process, (playground, *_rest) = budget
    bsns = ["123456782", "111111110", "555555550", "999910024", "111222333"]
    for bsn in bsns:
        services.ballot_cast(
            actor=make_resident(bsn), process=process, choices={playground.code: 1}
        )
    ids = list(Ballot.objects.values_list("id", flat=True))
    assert len(set(ids)) == 5
    # random v4 ids: their order says nothing (a sequence would be sorted by insertion)
    assert all(i.version == 4 for i in ids)


def test_changing_a_vote_leaves_one_ballot_and_no_trace_of_the_old(budget, me):
    process, (playground, trees, _benches) = budget
    old = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    new = services.ballot_cast(
        actor=me, process=process, choices={trees.code: 1}, previous_receipt=old
    )
    assert Ballot.objects.count() == 1
    assert not queries.receipt_counted(process, old)
    assert queries.receipt_counted(process, new)
    entry = VoterRollEntry.objects.get()
    assert entry.receipt_check != services._receipt_check(old)


def test_the_dossier_shows_that_i_voted_not_what(budget, me):
    from stadhuis.participation.dossier import records

    process, (playground, *_rest) = budget
    receipt = services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    vote = next(r for r in records(me.subject) if r.object_type == "stemregister")
    text = " ".join(f"{f.label} {f.value}" for f in vote.fields)
    assert receipt[:4] in text and receipt not in text
    assert playground.title not in text and playground.code not in text


def test_the_dossier_names_what_the_log_entries_are_about(budget, me, make_process):
    from stadhuis.participation.dossier import describe

    process, (playground, *_rest) = budget
    services.ballot_cast(actor=me, process=process, choices={playground.code: 1})
    idea = services.idea_submit(actor=me, process=make_process(), title="Bankje", body="Graag")
    names = describe(me.subject, "", [str(process.public_id), str(idea.public_id), "geen-id"])
    assert names[str(process.public_id)][0] == process.title
    assert names[str(idea.public_id)][0] == "Idee: Bankje" and names[str(idea.public_id)][1]
