"""The English translation is complete, compiled, and used on the pages.

Dutch is the source language; English lives in ``locale/en/LC_MESSAGES/django.po``.
These tests fail when someone adds a translatable text and forgets to run
``makemessages`` (see the header of the .po file), to translate it, or to compile the
.po into the .mo that Django actually reads.
"""

from __future__ import annotations

import ast
import functools
import gettext
import html
import re
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

import stadhuis

PACKAGE_DIR = Path(stadhuis.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# The functions makemessages looks for (xgettext's defaults plus Django's keywords).
# Value: positions of (context, singular, plural) in the call's arguments.
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


# --- Reading the .po file -------------------------------------------------------------


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr(s).

    Small on purpose: enough for files written by gettext's own tools.
    """
    entries = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        entry = {"flags": set(), "msgstr": [], "obsolete": False}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key == "msgstr":
                    entry["msgstr"][-1] += value
                else:
                    entry[key] += value
            else:
                match = re.match(
                    r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line
                )
                assert match, f"Cannot read this line of {PO_FILE.name}: {line!r}"
                key, value = match.group(1), ast.literal_eval(match.group(2))
                if key.startswith("msgstr"):
                    key = "msgstr"
                    entry["msgstr"].append(value)
                else:
                    entry[key] = value
        if "msgid" in entry and not entry["obsolete"]:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return [e for e in parse_po(PO_FILE.read_text(encoding="utf-8")) if e["msgid"]]


def _label(entry: dict) -> str:
    return repr(entry["msgid"])[:90]


def test_every_text_is_translated_and_checked(po_entries):
    untranslated = [_label(e) for e in po_entries if not all(e["msgstr"])]
    fuzzy = [_label(e) for e in po_entries if "fuzzy" in e["flags"]]
    assert not untranslated, "No English yet for:\n" + "\n".join(untranslated)
    assert not fuzzy, "Guessed (fuzzy) translations to check:\n" + "\n".join(fuzzy)


def test_placeholders_are_kept(po_entries):
    placeholder = re.compile(r"%(?:\([^)]+\))?[sd%]")
    wrong = []
    for e in po_entries:
        if "python-format" not in e["flags"]:
            continue
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, translation in enumerate(e["msgstr"]):
            source = sources[min(index, 1)]
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(translation)):
                wrong.append(_label(e))
    assert not wrong, "Placeholders differ between Dutch and English:\n" + "\n".join(wrong)


def test_compiled_catalogue_matches_the_po_file(po_entries):
    """The .mo is what Django reads: it must hold exactly what the .po says."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for e in po_entries:
        msgid = e["msgid"]
        if "msgctxt" in e:
            msgid = f"{e['msgctxt']}\x04{msgid}"
        if "msgid_plural" in e:
            found = [compiled.get((msgid, i)) for i in range(len(e["msgstr"]))]
        else:
            found = [compiled.get(msgid)]
        if found != e["msgstr"]:
            stale.append(_label(e))
    assert not stale, (
        f"{MO_FILE.name} is out of date; run `msgfmt -c -o django.mo django.po` in "
        f"{LOCALE_DIR}. Differs for:\n" + "\n".join(stale)
    )


# --- What makemessages would find in the source ---------------------------------------


def _from_call(args: list, positions: tuple) -> tuple | None:
    context, singular, plural = positions
    texts = []
    for position in (context, singular, plural):
        if position is None:
            texts.append(None)
            continue
        if position >= len(args):
            return None
        node = args[position]
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None  # a variable: not extractable, nothing to check
        texts.append(node.value)
    return tuple(texts)


def python_messages(path: Path) -> set[tuple]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in KEYWORDS:
            message = _from_call(node.args, KEYWORDS[name])
            if message:
                found.add(message)
    return found


# templatize() turns a template into the Python-like text makemessages hands to
# xgettext, with {% translate %} and {% blocktranslate %} (trimmed, plural, variables as
# %(name)s), already resolved into gettext(u'...') calls; _("...") in filter arguments
# stays as it is.
_STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(rf"(?<![\w.])(_|n?p?gettext)\(((?:\s*{_STRING}\s*,?)+)")
_TEMPLATE_STRING = re.compile(_STRING)


def template_messages(path: Path) -> set[tuple]:
    found = set()
    for match in _TEMPLATE_CALL.finditer(templatize(path.read_text(encoding="utf-8"))):
        strings = [ast.literal_eval(s) for s in _TEMPLATE_STRING.findall(match.group(2))]
        message = _from_call([ast.Constant(s) for s in strings], KEYWORDS[match.group(1)])
        if message:
            found.add(message)
    return found


@functools.cache
def source_messages() -> dict[tuple, str]:
    messages = {}
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix == ".py":
            found = python_messages(path)
        elif path.suffix in (".html", ".txt"):
            found = template_messages(path)
        else:
            continue
        for message in found:
            messages.setdefault(message, str(path.relative_to(PACKAGE_DIR)))
    return messages


def test_source_texts_finder_sees_known_texts():
    """Guards the finder itself: if it found nothing, the next test would pass for nothing."""
    messages = source_messages()
    assert (None, "Inloggen", None) in messages  # {% translate %}
    assert (None, "Melding openbare ruimte", None) in messages  # gettext_noop, demo data
    assert (None, "We hebben uw %(name)s goed ontvangen.", None) in messages  # blocktranslate
    assert (None, "%(count)d token ingetrokken.", "%(count)d tokens ingetrokken.") in messages
    assert len(messages) > 300


def test_makemessages_would_add_nothing(po_entries):
    known = {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in po_entries}
    missing = [
        f"{where}: {message[1]!r}"
        for message, where in sorted(source_messages().items(), key=lambda item: item[1])
        if message not in known
    ]
    assert not missing, (
        "Texts in the code that are not in the English .po file. Run makemessages (see the "
        "header of django.po), translate, and compile:\n" + "\n".join(missing)
    )


# --- Pages in English -----------------------------------------------------------------

# Words that only appear on these pages in Dutch; the English pages must not show them.
DUTCH_WORDS = [
    "Inloggen",
    "Aanvragen",
    "aanvragen",
    "Verwerkingsregister",
    "Zaak volgen",
    "Mijn zaken",
    "Kenmerk",
    "Cijfers",
    "zonder in te loggen",
    "Versturen",
    "Per soort zaak",
]


def _visible_main_text(response) -> str:
    page = response.content.decode()
    main = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert main, "page has no <main>"
    text = re.sub(r"<[^>]+>", " ", main.group(0))
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def published_catalogue(db, make_staff):
    """The demo case types, published, as the demo city has them."""
    from stadhuis.accounts.services import staff_actor
    from stadhuis.cases.services import case_type_create, case_type_publish
    from stadhuis.demo import register
    from stadhuis.demo.catalogue import CASE_TYPES
    from stadhuis.privacy.services import activity_register

    officer = staff_actor(make_staff("privacy_officer", username="po"))
    codes = {spec["processing_activity"] for spec in CASE_TYPES}
    for spec in register.ACTIVITIES:
        if spec["code"] in codes:
            content = {k: v for k, v in spec.items() if k not in ("code", "processors")}
            activity_register(actor=officer, code=spec["code"], security_measures="x", **content)
    admin = staff_actor(make_staff("administrator", username="admin"))
    for spec in CASE_TYPES:
        case_type_publish(actor=admin, case_type=case_type_create(actor=admin, spec=spec))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/aanvragen", "/verwerkingsregister", "/cijfers", "/volgen"])
def test_pages_in_english_show_no_dutch_interface_texts(english, url):
    response = english.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    text = _visible_main_text(response)
    # Texts stored in the database (register entries) may still be Dutch; the words
    # below come from templates and code only.
    dutch = [word for word in DUTCH_WORDS if re.search(rf"\b{re.escape(word)}\b", text)]
    assert not dutch, f"Dutch on the English page {url}: {dutch}\n{text}"


@pytest.mark.django_db
def test_menu_and_home_page_in_english(english):
    page = english.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Requests and reports" in page
    assert "Log in" in page
    assert "Inloggen" not in page


@pytest.mark.django_db
def test_demo_case_types_appear_in_english(english, published_catalogue):
    """Case types are stored in Dutch and shown through the `catalog` filter."""
    text = _visible_main_text(english.get("/aanvragen"))
    assert "Report a problem in a public space" in text
    assert "Complaint about the municipality" in text
    assert "Melding openbare ruimte" not in text
    assert "Klacht over de gemeente" not in text

    form = _visible_main_text(english.get("/aanvragen/melding-openbare-ruimte"))
    assert "What is it about?" in form
    assert "Street lighting" in form
    assert "Straatverlichting" not in form


@pytest.mark.django_db
def test_dutch_stays_the_default(client, published_catalogue):
    text = _visible_main_text(client.get("/aanvragen"))
    assert "Melding openbare ruimte" in text
    assert "Report a problem in a public space" not in text
