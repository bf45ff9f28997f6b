"""The committed OpenAPI document is the generated one, and it follows the Design Rules."""

import itertools
import json
import re

import pytest
from django.core.management import CommandError, call_command

from stadhuis.api.api import openapi_document
from stadhuis.api.management.commands.openapi import DOCUMENT, render

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAM = re.compile(r"^\{[a-zA-Z]+\}$")


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def test_committed_document_is_up_to_date():
    assert DOCUMENT.read_text(encoding="utf-8") == render(), (
        "src/stadhuis/api/openapi.json is stale: run `python -m django openapi`"
    )


def test_check_passes_on_the_committed_document(capsys):
    call_command("openapi", "--check")
    assert "up to date" in capsys.readouterr().out


def test_check_fails_with_exit_code_1_on_a_stale_document(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text(render().replace('"Stadhuis API"', '"Oude API"'))
    with pytest.raises(CommandError, match="out of date") as info:
        call_command("openapi", "--check", "--output", str(stale))
    assert info.value.returncode == 1
    assert "Oude API" in stale.read_text()  # --check writes nothing


def test_command_writes_sorted_indented_json_with_a_newline(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("openapi", "--output", str(target))
    text = target.read_text()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.django_db
def test_served_document_equals_the_committed_one(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(DOCUMENT.read_text(encoding="utf-8"))


def test_info_and_servers(document):
    info = document["info"]
    assert info["title"] == "Stadhuis API"
    assert info["version"] == "1.0.0"
    assert info["license"]["identifier"] == "EUPL-1.2"
    assert info["contact"]["name"]
    assert "Nederlands" in info["description"]
    assert "English" in info["description"]
    assert document["openapi"].startswith("3.")
    assert document["servers"][0]["url"] == "/api/v1"


def test_paths_are_kebab_case_without_trailing_slash(document):
    assert document["paths"]
    for path in document["paths"]:
        assert path.startswith("/")
        assert not path.endswith("/"), path
        for segment in path.strip("/").split("/"):
            assert KEBAB.match(segment) or PARAM.match(segment), f"{path}: {segment!r}"


def test_collections_are_plural(document):
    for path, operations in document["paths"].items():
        segments = path.strip("/").split("/")
        for segment, following in itertools.pairwise(segments):
            if PARAM.match(following):  # /things/{id}: "things" is a collection
                assert segment.endswith("s"), path
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        ref = json.dumps(answer)
        if "Page" in ref:  # a list endpoint
            assert segments[-1].endswith("s"), path


def test_errors_are_problem_json_and_every_answer_has_api_version(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(int(status) >= 400 for status in responses), f"{method} {path}"
            for status, answer in responses.items():
                assert "API-Version" in answer["headers"], f"{method} {path} {status}"
                if int(status) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"]
            assert method == "get" or "requestBody" in operation


def test_properties_are_camel_case(document):
    camel = re.compile(r"^[a-z][a-zA-Z0-9]*$")
    for name, schema in document["components"]["schemas"].items():
        if name in {"Problem"}:  # RFC 9457 names its extension "invalid-params"
            continue
        for prop in schema.get("properties", {}):
            assert camel.match(prop), f"{name}.{prop}"
