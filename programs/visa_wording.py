"""The default wording of a programme's visa support letters.

Organisers rewrite it per programme (`Programme.visa_funding_statement`): it is the host's own
undertaking, printed as they wrote it, like the privacy notice. A new programme starts with
this paragraph.
"""

DEFAULT_VISA_FUNDING_STATEMENT = """\
The host will provide local hospitality as arranged with the organisers: accommodation and \
meals for the duration of the programme, and local transport to its sessions and visits. \
Unless agreed otherwise, international travel and any daily allowance are covered by the \
delegate's nominating institution."""


def default_visa_funding_statement() -> str:
    return DEFAULT_VISA_FUNDING_STATEMENT
