from django.db.models import Count, QuerySet

from programs.models import Programme

from .models import Participant


def participants_of(programme: Programme) -> QuerySet[Participant]:
    return programme.participants.select_related("country")


def counts_by_category(programme: Programme) -> list[dict]:
    """Each category's label and count, in the order of the category choices."""
    counts = dict(programme.participants.values_list("category").annotate(n=Count("id")).order_by())
    return [
        {"category": value, "label": label, "count": counts[value]}
        for value, label in Participant.Category.choices
        if counts.get(value)
    ]


def countries_represented(programme: Programme) -> int:
    return (
        programme.participants.filter(category=Participant.Category.INTERNATIONAL)
        .values("country")
        .distinct()
        .count()
    )
