from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest

from participants.invitations import invitation_in_session


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join a programme by invitation from its organisers, never by open sign-up:
        # only a visitor who opened a valid invitation link may create an account.
        return invitation_in_session(request) is not None

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        # The invitation link reached its holder at the invited address, which proves they
        # own it: signing up with that address needs no second verification e-mail. Any
        # other address is verified the usual way.
        invitation = invitation_in_session(request)
        return invitation is not None and invitation.sent_to.lower() == email.lower()

    def unstash_verified_email(self, request: HttpRequest) -> str | None:
        # The invited address is stashed only to prefill the sign-up form. allauth would
        # otherwise add it to the new account, verified and primary, even when the visitor
        # signed up with another address; is_email_verified decides instead.
        super().unstash_verified_email(request)
        return None

    def get_client_ip(self, request: HttpRequest) -> str:
        # A request that did not pass every trusted proxy (fewer X-Forwarded-For entries than
        # TRUSTED_PROXY_COUNT, or no TRUSTED_CLIENT_IP_HEADER) is counted by the address that
        # connected, rather than answered with an error.
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            ip = request.META.get("REMOTE_ADDR")
            if not ip:
                raise PermissionDenied("Unable to determine client IP address") from None
            return ip
