"""Destructive actions ask first, without JavaScript: the first POST answers with a page that
says what will be lost; only a POST that carries `confirmed=1` acts."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmation_page(
    request: HttpRequest,
    *,
    question: str,
    consequence: str,
    action: str,
    cancel_url: str,
    cancel: str = "",
) -> HttpResponse | None:
    """None when the POST was confirmed; otherwise the page that asks, posting the same fields
    (a revocation's reason, a photo's return address) back to the same address with
    `confirmed=1`. Changes nothing. `cancel` names the way back when "Cancel, keep it" does
    not fit (nothing is being removed)."""
    if request.POST.get(CONFIRMED) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {CONFIRMED, "csrfmiddlewaretoken"}
        for value in values
    ]
    return render(
        request,
        "confirm_delete.html",
        {
            "question": question,
            "consequence": consequence,
            "action": action,
            "cancel_url": cancel_url,
            "cancel": cancel,
            "fields": fields,
        },
    )
