"""Write (or ``--check``) the committed JSON Schema of the dossier export."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from stadhuis.dossier.export import json_schema

DEFAULT = Path(__file__).resolve().parents[5] / "docs" / "dossier-export.schema.json"


def rendered() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write docs/dossier-export.schema.json, or check that it is up to date."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--output", type=Path, default=DEFAULT)

    def handle(self, *args, check: bool, output: Path, **options):
        text = rendered()
        if check:
            if not output.exists() or output.read_text(encoding="utf-8") != text:
                raise CommandError(f"{output} is stale: run `stadhuis dossier-schema`")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {output}")
