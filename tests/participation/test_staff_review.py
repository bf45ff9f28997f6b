"""Defects found reviewing the participation staff pages: what staff may do must not
carry a hidden or rejected idea to the public."""

import pytest
from django.urls import reverse

from stadhuis.core.errors import InvalidInput
from stadhuis.participation import services
from stadhuis.participation.models import Idea, Project, Visibility


def _idea(me, process, title="Een muurschildering", body="De tekst die de moderator verborg"):
    return services.idea_submit(actor=me, process=process, title=title, body=body)


@pytest.mark.parametrize("visibility", [Visibility.HIDDEN, Visibility.REJECTED])
def test_a_hidden_or_rejected_idea_does_not_become_a_public_project(
    make_process, me, handler, visibility
):
    """A project is public and takes the idea's text as its description."""
    process = make_process("budget")
    idea = _idea(me, process)
    Idea.objects.filter(pk=idea.pk).update(visibility=visibility)
    idea.refresh_from_db()
    with pytest.raises(InvalidInput):
        services.project_create(
            actor=handler, process=process, idea=idea, title="Muur", description=idea.body, cost=1
        )
    assert not Project.objects.exists()


def test_the_staff_page_offers_no_project_for_a_hidden_idea_and_refuses_one(
    client, staff_client, make_process, me, admin
):
    process = make_process("budget")
    shown = _idea(me, process, title="Meer bankjes", body="Bij de vijver")
    hidden = _idea(me, process)
    services.idea_moderate(actor=admin, idea=hidden, action="hide", reason="Persoonlijke gegevens")
    staff_client("case_handler")
    page = reverse("participation:staff_process", kwargs={"process_id": process.public_id})
    html = client.get(page).content.decode()
    make = "participation:staff_project_from_idea"
    assert reverse(make, kwargs={"idea_id": shown.public_id}) in html
    assert reverse(make, kwargs={"idea_id": hidden.public_id}) not in html
    response = client.post(
        reverse(make, kwargs={"idea_id": hidden.public_id}),
        {"title": "Muurschildering", "cost": "500"},
    )
    assert response.status_code == 400
    assert "Dit idee is niet (meer) zichtbaar." in response.content.decode()
    assert not Project.objects.exists()
