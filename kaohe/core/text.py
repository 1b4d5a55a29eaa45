"""Checks on text before it goes into the database."""


def storable(value) -> bool:
    """Whether a value can go into the database as it is: PostgreSQL refuses NUL characters in
    text, and no database takes half a UTF-16 surrogate pair. Anything but a string is storable."""
    if not isinstance(value, str):
        return True
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
