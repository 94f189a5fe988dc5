"""Issue, list and revoke API tokens from the command line (the admin does the same)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.exceptions import CaseActionError

from ... import services
from ...models import ApiToken


class Command(BaseCommand):
    help = "Issue (create), list or revoke a user's API tokens; only a hash of a token is stored."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token; it is printed once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="the system that will use the token")
        listing = sub.add_parser("list", help="a user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["username"])
            try:
                token, raw = services.issue_token(user, name=options["name"], actor=None)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            self.stdout.write(raw)
            self.stderr.write(f"token {token.pk} ({token.name}) issued to {user.get_username()}")
        elif action == "list":
            for token in ApiToken.objects.filter(user=self._user(options["username"])):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}")
        else:
            token = ApiToken.objects.filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"no token {options['token_id']}")
            try:
                services.revoke_token(token, actor=None)
            except CaseActionError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"token {token.pk} revoked")

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username}")
        return user
