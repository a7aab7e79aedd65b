"""Make a personal API token for an account from the shell, and print its secret once.

For scripts and for trying the API; the account's API tokens page does the same in a browser.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from programs.services import issue_api_token
from tpbis.accounts.forms import programmes_of_user


class Command(BaseCommand):
    help = "Create a personal API token for an account and print its secret (shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The account's e-mail address.")
        parser.add_argument(
            "--programme",
            action="append",
            dest="programmes",
            default=[],
            metavar="SLUG",
            help="A programme the token reaches (repeat for several; default: all of the "
            "account's programmes).",
        )
        parser.add_argument("--name", default="Command line", help="What the token is for.")
        parser.add_argument("--write", action="store_true", help="May change data.")
        parser.add_argument("--passports", action="store_true", help="May see passport details.")

    def handle(self, *args, email: str, programmes: list[str], **options) -> None:
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account has the address {email}.")
        reachable = programmes_of_user(user)
        chosen = reachable.filter(slug__in=programmes) if programmes else reachable
        missing = set(programmes) - {programme.slug for programme in chosen}
        if missing:
            raise CommandError(f"{email} has no role in: {', '.join(sorted(missing))}.")
        _token, secret = issue_api_token(
            user=user,
            name=options["name"],
            programmes=list(chosen),
            can_write=options["write"],
            can_see_passports=options["passports"],
        )
        self.stdout.write(secret)
