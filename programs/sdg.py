"""The Sustainable Development Goals and their 169 targets, which programmes are tagged with.

Funders ask which targets a programme serves (library programmes typically cite 4.6, literacy,
and 16.10, public access to information). The goals' short names are translated; the targets'
texts are the UN wording, shortened, in English only (`sdg_targets.json`, code to text).
A programme stores the codes it serves (`Programme.sdg_targets`).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GOALS: dict[int, Promise] = {
    1: _("No poverty"),
    2: _("Zero hunger"),
    3: _("Good health and well-being"),
    4: _("Quality education"),
    5: _("Gender equality"),
    6: _("Clean water and sanitation"),
    7: _("Affordable and clean energy"),
    8: _("Decent work and economic growth"),
    9: _("Industry, innovation and infrastructure"),
    10: _("Reduced inequalities"),
    11: _("Sustainable cities and communities"),
    12: _("Responsible consumption and production"),
    13: _("Climate action"),
    14: _("Life below water"),
    15: _("Life on land"),
    16: _("Peace, justice and strong institutions"),
    17: _("Partnerships for the goals"),
}


@cache
def targets() -> dict[str, str]:
    """Every target's code ("16.10") and English text, in the UN's order."""
    with open(Path(__file__).with_name("sdg_targets.json"), encoding="utf-8") as source:
        return json.load(source)


def goal_of(code: str) -> int:
    return int(code.split(".", 1)[0])


def target_order(code: str) -> tuple[int, int, str]:
    """Numbered targets first (4.1 … 4.7), then the means of implementation (4.a … 4.c)."""
    goal, rest = code.split(".", 1)
    return (int(goal), int(rest) if rest.isdigit() else 1000, rest)


@dataclass
class Goal:
    number: int
    title: str
    # (code, text) of the targets shown under the goal.
    targets: list[tuple[str, str]]


def goals_with_targets(codes: list[str] | None = None) -> list[Goal]:
    """The goals with their targets, in order: only those of `codes` when given (unknown codes
    are left out), else all of them."""
    known = targets()
    chosen = known if codes is None else {code: known[code] for code in codes if code in known}
    goals: dict[int, Goal] = {}
    for code in sorted(chosen, key=target_order):
        number = goal_of(code)
        if number not in goals:
            goals[number] = Goal(number, str(GOALS[number]), [])
        goals[number].targets.append((code, chosen[code]))
    return list(goals.values())


def target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Form choices grouped by goal: ("4. Quality education", [("4.6", "4.6 All youth …")])."""
    return [
        (f"{goal.number}. {goal.title}", [(code, f"{code} {text}") for code, text in goal.targets])
        for goal in goals_with_targets()
    ]
