from django.core.management.base import BaseCommand

from programs.models import Programme
from tpbis.demo import colombo, data, jakarta_call
from tpbis.demo.services import load_demo


class Command(BaseCommand):
    help = (
        "Load the reference programme (TPBIS, Jakarta, 13–17 November 2023), a sample "
        "programme hosted in Colombo and the demo accounts."
    )

    def handle(self, *args, **options) -> None:
        programme = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {programme.short_name_en}: {programme.participants.count()} participants, "
                f"{programme.sessions.count()} agenda items."
            )
        )
        sample = Programme.objects.get(slug=colombo.PROGRAMME["slug"])
        self.stdout.write(
            f"Loaded {sample.short_name_en}: {sample.participants.count()} participants, "
            f"{sample.sessions.count()} agenda items."
        )
        self.stdout.write("Demo accounts (e-mail / password):")
        for email, password, role in data.ACCOUNTS:
            self.stdout.write(f"  {role:<10} {email:<24} {password}")
        self.stdout.write(
            f"Focal points of the delegations to {programme.short_name_en} "
            f"(password {jakarta_call.FOCAL_POINT_PASSWORD}):"
        )
        for code, (email, *_name) in jakarta_call.FOCAL_POINTS.items():
            self.stdout.write(f"  {code}  {email}")
