"""stadhuis seal-log: seal committed processing-log entries into chained blocks."""

from django.core.management.base import BaseCommand

from stadhuis.privacy import chain


class Command(BaseCommand):
    help = "Seal new processing-log entries into chained blocks."

    def handle(self, *args, **options):
        sealed = chain.seal()
        self.stdout.write(f"sealed {sealed} entries")
