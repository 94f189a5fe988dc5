"""Load official provinces and their communes/wards (post-2025 list shipped by `vietnam_provinces`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from vietnam_provinces import ProvinceCode

from registry.loading import load_province


class Command(BaseCommand):
    help = (
        "Load a province and all its communes/wards from the official post-2025 list (vietnam_provinces). "
        "Idempotent: units whose code already exists are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            type=int,
            action="append",
            required=True,
            metavar="CODE",
            help="Official province code, e.g. 24 for Bắc Ninh; repeat the option for several provinces.",
        )

    def handle(self, *args, **options):
        for code in options["province"]:
            try:
                ProvinceCode(code)
            except ValueError as exc:
                raise CommandError(_("Unknown province code %(code)s.") % {"code": code}) from exc
            with transaction.atomic():
                province, created = load_province(code)
            communes = province.children.count()
            self.stdout.write(
                _("%(province)s: %(created)s units created, %(communes)s communes/wards in the registry.")
                % {"province": province.name, "created": created, "communes": communes}
            )
