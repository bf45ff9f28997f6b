"""Review fixtures: reuse the cases fixtures (catalogue, me, handler)."""

import pytest

from tests.cases.conftest import catalogue, handler, me  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
