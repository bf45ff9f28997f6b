"""Write the generated OpenAPI document to ``src/stadhuis/api/openapi.json``, or check it.

The document is generated from the code and committed, so that a change of the API
shows in review; CI runs ``openapi --check`` and fails when the committed file is stale.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

DOCUMENT = Path(__file__).resolve().parents[2] / "openapi.json"


def render() -> str:
    """The document as committed: sorted keys, 2-space indent, trailing newline."""
    from stadhuis.api.api import openapi_document

    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to src/stadhuis/api/openapi.json (or --check it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit 1 when the committed document differs from the code.",
        )
        parser.add_argument(
            "--output", default=str(DOCUMENT), help="Where to write (default: %(default)s)."
        )

    def handle(self, *args, check: bool, output: str, **options):
        target = Path(output)
        generated = render()
        if check:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != generated:
                diff = "".join(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        generated.splitlines(keepends=True),
                        fromfile=f"{target} (committed)",
                        tofile="generated from the code",
                        n=2,
                    )
                )
                self.stderr.write(diff[:4000])
                raise CommandError(
                    f"{target} is out of date with the API code. Run "
                    "`python -m django openapi` and commit the result.",
                    returncode=1,
                )
            self.stdout.write(f"{target} is up to date.")
            return
        target.write_text(generated, encoding="utf-8")
        self.stdout.write(f"Wrote {target}.")
