"""Every e-mail is written in English, then in Indonesian."""

from programs.mail import BODY_SEPARATOR, bilingual_message
from programs.models import ProgrammeMembership
from tests.factories import ProgrammeFactory


def test_bilingual_message_has_both_languages_in_order(db):
    programme = ProgrammeFactory()
    context = {
        "programme": programme,
        "role": ProgrammeMembership.Role.ORGANISER.label,
        "new_account": False,
        "email": "budi@example.org",
        "sign_in_url": "https://tpbis.test/accounts/login/",
    }
    message = bilingual_message(
        "programs/email/team_added",
        context,
        language="id",
        to="budi@example.org",
        reply_to="ana@example.org",
    )
    english, indonesian = message.body.split(BODY_SEPARATOR)
    assert "You have been added to the team" in english
    assert "You have been added to the team" not in indonesian
    assert "https://tpbis.test/accounts/login/" in indonesian
    assert message.subject.count(" / ") == 1
    assert message.to == ["budi@example.org"]
    assert message.reply_to == ["ana@example.org"]
    assert message.body.endswith("\n")
