"""Small arithmetic rules shared by every app."""


def percent(part: int, whole: int) -> int | None:
    """`part` as a whole percentage of `whole`, rounded half to even; None when `whole` is 0."""
    return round(100 * part / whole) if whole else None
