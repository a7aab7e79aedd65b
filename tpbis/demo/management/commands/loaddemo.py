from django.core.management.base import BaseCommand

from tpbis.demo import data
from tpbis.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the reference programme (TPBIS, Jakarta, 13–17 November 2023) and demo accounts."

    def handle(self, *args, **options) -> None:
        programme = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {programme.short_name_en}: {programme.participants.count()} participants, "
                f"{programme.sessions.count()} agenda items."
            )
        )
        self.stdout.write("Demo accounts (e-mail / password):")
        for email, password, role in data.ACCOUNTS:
            self.stdout.write(f"  {role:<10} {email:<24} {password}")
