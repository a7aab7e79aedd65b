"""The default wording of a programme's visa support letters.

Organisers rewrite it per programme (`Programme.visa_funding_statement`): it is the host's own
undertaking, printed as they wrote it. A new programme starts with this paragraph, which the
letters print in their own language for as long as it is left unchanged.
"""

from django.utils.translation import gettext_noop

DEFAULT_VISA_FUNDING_STATEMENT = gettext_noop(
    "The host will provide local hospitality as arranged with the organisers: accommodation and "
    "meals for the duration of the programme, and local transport to its sessions and visits. "
    "Unless agreed otherwise, international travel and any daily allowance are covered by the "
    "delegate's nominating institution."
)


def default_visa_funding_statement() -> str:
    return DEFAULT_VISA_FUNDING_STATEMENT
