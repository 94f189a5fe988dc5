"""Load the national programme's plan targets onto a province (idempotent; edited targets are kept)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.models import AdministrativeUnit
from reports.targets import load_national_targets


class Command(BaseCommand):
    help = "Load the national programme's coverage targets (Decision 387/QĐ-TTg) onto a province."

    def add_arguments(self, parser):
        parser.add_argument("province_code", help="the province's unit code, e.g. 24")

    def handle(self, *args, province_code, **options):
        province = AdministrativeUnit.objects.filter(code=province_code).first()
        if province is None:
            raise CommandError(f"No unit with code {province_code}.")
        try:
            created = load_national_targets(province, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{len(created)} targets created for {province.name}.")
