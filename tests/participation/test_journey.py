"""Issue #5's "Done means", walked end to end over HTTP on the demo city.

A demo resident proposes, supports, comments, answers the consultation and votes in
the running citizens' budget; another reports her idea; staff moderate it, review a
project, close voting, count and publish; anyone reads the result with a reason per
project and downloads it. Everything goes through Django's test client the way a
browser without JavaScript would: following links, and sending the forms on the
pages (every action a POST form with its CSRF token, which the client checks). The
only code called directly is the job the worker runs (``tasks.PERIODIC``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import override

from stadhuis.participation import tasks

FATMA = "555555550"  # has not answered the consultation, nor voted in the 2027 budget
MOHAMED = "123456782"


# --- A browser without JavaScript: links and forms on the page ------------------------------


def _text(value: str) -> str:
    return " ".join(value.split())


@dataclass
class Form:
    action: str
    method: str
    inputs: list[dict] = field(default_factory=list)
    selects: list[dict] = field(default_factory=list)
    textareas: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)

    def values(self) -> dict[str, list[str]]:
        """What the browser sends before the person changes anything."""
        data: dict[str, list[str]] = {}
        for item in self.inputs:
            kind = (item.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                continue
            if kind in ("checkbox", "radio") and "checked" not in item:
                continue
            if item.get("name"):
                data.setdefault(item["name"], []).append(item.get("value") or "")
        for select in self.selects:
            chosen = [o["value"] for o in select["options"] if o["selected"]]
            if not chosen and select["options"] and not select["multiple"]:
                chosen = [select["options"][0]["value"]]
            data[select["name"]] = chosen
        for area in self.textareas:
            data[area["name"]] = [area["text"].lstrip("\n")]
        return data

    def name_of_choice(self, value: str) -> str:
        """The name of the radio button or checkbox group that offers ``value``."""
        names = {
            i["name"]
            for i in self.inputs
            if i.get("type") in ("radio", "checkbox") and i.get("value") == value
        }
        assert len(names) == 1, (value, names)
        return names.pop()


class Page(HTMLParser):
    """The links, labels and forms of one HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.labels: dict[str, str] = {}
        self.forms: list[Form] = []
        self.ids: dict[str, str] = {}  # element id -> form field name
        self._form: Form | None = None
        self._open: list[tuple[str, dict]] = []  # elements whose text we collect
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self._open.append(("a", {"href": a["href"], "text": ""}))
        elif tag == "label":
            self._open.append(("label", {"for": a.get("for", ""), "text": ""}))
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if a.get("id") and a.get("name"):
            self.ids[a["id"]] = a["name"]
        if tag == "input":
            self._form.inputs.append(a)
        elif tag == "select":
            self._form.selects.append(
                {"name": a.get("name", ""), "multiple": "multiple" in a, "options": []}
            )
        elif tag == "option" and self._form.selects:
            self._form.selects[-1]["options"].append(
                {"value": a.get("value", ""), "selected": "selected" in a}
            )
        elif tag == "textarea":
            area = {"name": a.get("name", ""), "text": ""}
            self._form.textareas.append(area)
            self._open.append(("textarea", area))
        elif tag == "button":
            button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}
            button["type"] = a.get("type", "submit")
            self._form.buttons.append(button)
            self._open.append(("button", button))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        for index in range(len(self._open) - 1, -1, -1):
            kind, item = self._open[index]
            if kind == tag:
                del self._open[index]
                if kind == "a":
                    self.links.append((_text(item["text"]), item["href"]))
                elif kind == "label" and item["for"]:
                    self.labels[item["for"]] = _text(item["text"])
                break

    def handle_data(self, data):
        for _kind, item in self._open:
            item["text"] += data

    def link(self, text: str) -> str:
        """The address of the one link whose text is ``text``."""
        found = {href for label, href in self.links if label == text}
        assert len(found) == 1, (text, found, self.links)
        return found.pop()

    def form(self, button: str, *, action: str | None = None) -> tuple[Form, dict]:
        """The form with a submit button labelled ``button`` (and that action)."""
        found = [
            (form, b)
            for form in self.forms
            for b in form.buttons
            if _text(b["text"]) == button and (action is None or form.action == action)
        ]
        assert len(found) == 1, (button, action, [f.action for f, _b in found])
        return found[0]

    def field(self, label: str) -> str:
        """The name of the field whose label starts with ``label``."""
        names = {
            self.ids[for_id]
            for for_id, text in self.labels.items()
            if text.startswith(label) and for_id in self.ids
        }
        assert len(names) == 1, (label, names)
        return names.pop()


class Browser:
    """A person at a browser: no JavaScript, cookies kept, the CSRF check on."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)
        self.html = ""
        self.url = ""
        self.page: Page | None = None

    def _read(self, response):
        if response["Content-Type"].startswith("text/html"):
            self.html = response.content.decode()
            self.page = Page(self.html)
        return response

    def get(self, url: str, status: int = 200):
        self.url = url
        response = self._read(self.client.get(url))
        assert response.status_code == status, (url, response.status_code)
        return response

    def follow(self, link_text: str, status: int = 200):
        return self.get(self.page.link(link_text), status)

    def send(self, button: str, changes: dict | None = None, *, action=None, status=302):
        """Fill in the form with ``button`` on the current page and press the button.
        A redirect is followed, as a browser does."""
        form, pressed = self.page.form(button, action=action)
        assert form.method == "post" and form.action, form  # an action: a POST form
        data = form.values()
        assert data.get("csrfmiddlewaretoken", [""])[0], "no CSRF token in the form"
        for name, value in (changes or {}).items():
            data[name] = value if isinstance(value, list) else [str(value)]
        if pressed["name"]:
            data[pressed["name"]] = [pressed["value"]]
        response = self._read(self.client.post(form.action, data))
        assert response.status_code == status, (form.action, response.status_code, self.html)
        if response.status_code == 302:
            return self.get(response["Location"])
        return response

    def sees(self, *texts: str) -> None:
        shown = _text(unescape(re.sub(r"<[^>]+>", " ", self.html)))
        for text in texts:
            assert _text(text) in shown, text

    def does_not_see(self, *texts: str) -> None:
        shown = _text(unescape(re.sub(r"<[^>]+>", " ", self.html)))
        for text in texts:
            assert _text(text) not in shown, text


def resident(bsn: str) -> Browser:
    """Log in on the demo login page, choosing the resident as a person would."""
    browser = Browser()
    browser.get("/inloggen/demo")
    form, _button = browser.page.form("Inloggen")
    assert form.name_of_choice(bsn) == "resident"  # the demo resident is on the list
    browser.send("Inloggen", {"resident": bsn})
    browser.sees("Uitloggen")
    return browser


def staff(username: str) -> Browser:
    """Log in as demo staff with the password and the code the demo login page shows."""
    browser = Browser()
    browser.get("/medewerkers/inloggen")
    password = re.search(r"Het wachtwoord is <code>([^<]+)</code>", browser.html).group(1)
    code = re.search(
        rf"<code>{username}</code></td><td>[^<]*</td><td><code class=\"demo-code\">(\d+)</code>",
        browser.html,
    ).group(1)
    browser.send("Inloggen", {"username": username, "password": password, "otp_token": code})
    browser.sees("Uitloggen")
    return browser


def _today() -> set[str]:
    with override("nl"):
        return {date_format(timezone.localtime(), "j F Y")}


# --- The journey ------------------------------------------------------------------------------


def test_participation_journey_on_the_demo_city(db, demo_mode):
    call_command("demo", "--quiet")
    fatma = resident(FATMA)

    # Crowdsourcing: found from /meedoen; a new idea through the similar-ideas step.
    fatma.get("/meedoen")
    fatma.follow("Een groener centrum")
    crowd_url = fatma.url
    fatma.follow("Stuur een idee in")
    idea = {
        "title": "Meer bomen bij het station",
        "body": "Plant bomen bij het station. Dan is er schaduw als het warm is.",
        "location": "Stationsplein",
    }
    fatma.send("Verder: zoek gelijke ideeën", idea, status=200)
    fatma.sees("Lijkt uw idee op een van deze?")
    assert fatma.page.link("Bomen in de Dorpsstraat")  # the demo's idea looks alike
    fatma.send("Idee insturen")
    fatma.sees("Uw idee staat online. Bedankt!", idea["title"], idea["body"])
    my_idea_url = fatma.url
    fatma.follow("Een groener centrum")
    assert fatma.page.link(idea["title"]) == my_idea_url

    # Support another idea, and comment on it.
    fatma.follow("Groene daken op de bushokjes")
    fatma.sees("1 inwoner steunt dit idee.")
    fatma.send("Ik steun dit idee")
    fatma.sees("U steunt dit idee.", "2 inwoners steunen dit idee.")
    assert fatma.page.form("Mijn steun intrekken")
    fatma.send("Reactie plaatsen", {"comment-body": ""}, status=400)
    fatma.sees("Schrijf uw reactie.")
    fatma.send("Reactie plaatsen", {"comment-body": "Ook mooi voor de vlinders."})
    fatma.sees("Uw reactie staat online.", "Ook mooi voor de vlinders.")

    # Another demo resident reports Fatma's idea as abuse.
    mohamed = resident(MOHAMED)
    mohamed.get(my_idea_url)
    mohamed.send("Melden aan een moderator", {"report-reason": "Dit idee staat er al."})
    mohamed.sees("Bedankt. Een moderator kijkt ernaar.")

    # The open consultation: every kind of question.
    fatma.get("/meedoen")
    fatma.follow("Het nieuwe Oosterpark")
    fatma.follow("Vragenlijst invullen")
    page = fatma.page
    form, _button = page.form("Antwoorden opslaan")
    answers = {
        form.name_of_choice("Elke maand"): "Elke maand",  # one choice
        form.name_of_choice("Water"): ["Water", "Bankjes"],  # several choices
        form.name_of_choice("4"): "4",  # a scale from 1 to 5
        page.field("Wilt u nog iets zeggen?"): "Graag een plek voor honden.",  # open
        page.field("Rust"): "1",  # ranking: a place per choice
        page.field("Spelen"): "3",
        page.field("Sporten"): "3",
    }
    fatma.send("Antwoorden opslaan", answers, status=400)  # two choices in third place
    fatma.sees("Fout:")
    answers[page.field("Sporten")] = "2"
    fatma.send("Antwoorden opslaan", answers)
    fatma.sees("Uw antwoorden zijn opgeslagen.")
    fatma.follow("Vragenlijst invullen")
    fatma.sees("U hebt deze vragenlijst al ingevuld.", "Graag een plek voor honden.")
    saved = fatma.page.form("Antwoorden opslaan")[0].values()
    for name, value in answers.items():
        assert sorted(saved[name]) == sorted(value if isinstance(value, list) else [value])

    # The running citizens' budget: points per project, and the receipt.
    fatma.get("/meedoen")
    fatma.follow("Burgerbegroting 2027")
    budget_url = fatma.url
    fatma.follow("Stemmen")
    page = fatma.page
    points = {
        page.field("Zonnepanelen op het buurthuis"): "7",
        page.field("Pannakooi"): "5",
    }
    fatma.send("Stem uitbrengen", points, status=400)  # 12 of 10 points
    fatma.sees("Fout:")
    points[page.field("Pannakooi")] = "3"
    before = _today()
    fatma.send("Stem uitbrengen", points, status=200)
    fatma.sees("Uw stem is ontvangen", "Stembewijs")
    receipt = re.search(r'class="case-reference" aria-label="([^"]+)"', fatma.html).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", receipt), receipt

    # Anyone checks the receipt on the public check page.
    anyone = Browser()
    anyone.get(budget_url)
    anyone.follow("Controleer of uw stem is meegeteld")
    anyone.send("Controleren", {"receipt": receipt}, status=200)
    anyone.sees("Ja: een stem met dit stembewijs telt mee.")
    anyone.send("Controleren", {"receipt": ""}, status=400)
    anyone.sees("Vul uw stembewijs in.")
    # the client does check CSRF: a POST without the form's token is refused
    assert anyone.client.post(anyone.url, {"receipt": receipt}).status_code == 403

    # Mijn meedoen and the dossier: that and when she voted, never what.
    when = before | _today()
    fatma.get("/meedoen")
    fatma.follow("Mijn meedoen")
    fatma.sees("Burgerbegroting 2027", idea["title"], "Het nieuwe Oosterpark")
    assert any(f"gestemd op {day}" in _text(fatma.html) for day in when)
    fatma.sees(f"uw stembewijs begint met {receipt.split('-')[0]}")
    fatma.does_not_see("Zonnepanelen", "Pannakooi", receipt)
    fatma.follow("Mijn gegevens")  # in the main menu
    fatma.sees("U stemde: Burgerbegroting 2027")
    fatma.does_not_see("Zonnepanelen", "Pannakooi", receipt)
    fatma.get("/mijn-gegevens/meedoen")  # the whole section
    fatma.sees("U stemde: Burgerbegroting 2027", "Gestemd op", "Dat weet de gemeente niet")
    assert any(day in _text(fatma.html) for day in when)
    fatma.does_not_see("Zonnepanelen", "Pannakooi", receipt)

    # Staff: moderate the report with a reason, review a project with a reason and cost.
    moderator = staff("participatie")
    moderator.get("/medewerkers/meedoen")
    moderator.sees(f"Idee: {idea['title']}", "Melding: Dit idee staat er al.")
    moderate_url = f"/medewerkers/meedoen/idee/{my_idea_url.rsplit('/', 1)[1]}/modereren"
    hide = {"action": "hide", "reason": ""}
    moderator.send("Opslaan", hide, action=moderate_url, status=400)
    moderator.sees("Geef een reden: de schrijver ziet die.")
    hide["reason"] = "Er is al een idee over bomen. Steun dat idee, of reageer erop."
    moderator.send("Opslaan", hide, action=moderate_url)
    moderator.sees("Het moderatiebesluit is opgeslagen en gelogd.", "Geen open meldingen.")

    moderator.sees("Picknicktafels op het Westerplein", "Buurtbudget Westerkwartier")
    (review,) = [f for f in moderator.page.forms if f.action.endswith("/beoordelen")]
    review_answer = {
        "feasible": "1",
        "cost": "9500",
        "reason": "Dit kan. Stadsbeheer plaatst vier tafels; dat kost € 9.500.",
    }
    moderator.send("Beoordeling opslaan", review_answer, action=review.action)
    moderator.sees("De beoordeling is opgeslagen.", "Geen projecten om te beoordelen.")
    anyone.get("/meedoen")
    anyone.follow("Buurtbudget Westerkwartier")
    anyone.sees("Picknicktafels op het Westerplein", "€ 9.500", review_answer["reason"])

    # Staff (administrator): close voting now, count, run the worker's job, publish.
    admin = staff("beheerder")
    admin.get("/medewerkers/meedoen")
    admin.follow("Burgerbegroting 2027")
    admin.follow("Stemmen nu sluiten")  # a page asks first: it cannot be undone
    admin.sees("Dit kunt u niet terugdraaien.")
    admin.send("Ja, sluit het stemmen nu")
    admin.sees("Het stemmen is gesloten.")
    fatma.get(budget_url + "/stemmen")
    fatma.sees("Er kan nu niet gestemd worden.")
    admin.send("Tellen")
    admin.sees("De telling staat klaar. De achtergrondtaak telt de stemmen.")
    (job,) = [j for j in tasks.PERIODIC if j.name == "count-budget-votes"]
    assert job.run() == 1
    admin.get(admin.url)  # the process page again, after the count ran
    admin.send("Uitslag publiceren")
    admin.sees("De uitslag is gepubliceerd.")

    # Anyone: the result explains each project; the CSV and the Pabulib file download.
    anyone.get("/meedoen")
    anyone.follow("Burgerbegroting 2027")
    anyone.follow("Bekijk de uitslag en waarom elk project wel of niet gekozen is")
    anyone.sees("€ 70.000 van € 100.000 besteed. 2 stembiljetten geteld.")
    rows = re.findall(
        r"<tr><td><a [^>]+>([^<]+)</a></td><td>[^<]*</td><td>(.*?)</td><td>(.*?)</td></tr>",
        anyone.html,
    )
    funded = {unescape(title): ">ja<" in chosen for title, chosen, _why in rows}
    assert funded == {  # 7 and 7 points (€ 70.000); then € 35.000 does not fit any more
        "Zonnepanelen op het buurthuis": True,
        "Pannakooi": True,
        "Verlichting in het park": False,
    }
    why = {unescape(title): _text(unescape(reason)) for title, _chosen, reason in rows}
    assert why["Pannakooi"].startswith("Gekozen"), why
    assert why["Zonnepanelen op het buurthuis"].startswith("Gekozen"), why
    assert why["Verlichting in het park"].startswith("Niet gekozen: plaats 3 met 6 stemmen"), why
    assert "35.000" in why["Verlichting in het park"] and "30.000" in why["Verlichting in het park"]

    results_page = anyone.page
    downloaded = anyone.client.get(results_page.link("Download de uitslag (CSV)"))
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(downloaded.content.decode())))
    assert {row["title"]: row["funded"] for row in table} == {
        "Zonnepanelen op het buurthuis": "1",
        "Pannakooi": "1",
        "Verlichting in het park": "0",
    }
    assert all(row["explanation"] for row in table)
    pb = anyone.client.get(
        results_page.link("Download alle stembiljetten (Pabulib-bestand, open data)")
    )
    assert pb.status_code == 200
    text = pb.content.decode()
    assert "META" in text and "PROJECTS" in text and "VOTES" in text
    votes = text.split("VOTES", 1)[1].strip().splitlines()[1:]  # after the header
    assert len(votes) == 2

    # The resident who proposed sees why her idea was hidden; nobody else sees it.
    fatma.get("/meedoen/mijn")
    fatma.sees(idea["title"], "Reden van de moderator: " + hide["reason"])
    anyone.get(my_idea_url, status=404)
    anyone.get(crowd_url)
    anyone.does_not_see(idea["title"])
