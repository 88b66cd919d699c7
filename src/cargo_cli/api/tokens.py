"""What may go into the ``authorization`` header. Every token source (env,
credentials file, keyring, ``login --token``, OAuth answers) and the client
itself run :func:`clean_token`, so a token is checked in one place."""

from __future__ import annotations

from cargo_cli.api.errors import InvalidRequest


def clean_token(value: str, source: str) -> str:
    """A token as sent in a header: surrounding whitespace (the newline of a
    file or ``$(cat ...)``) is stripped; one that still holds whitespace,
    control or non-ASCII characters is refused, naming ``source`` (never the
    value): ``CARGO_API_TOKEN contains a line break``."""
    token = value.strip()
    problem = None
    if not token:
        problem = "is empty"
    elif "\n" in token or "\r" in token:
        problem = "contains a line break"
    elif any(char.isspace() for char in token):
        problem = "contains whitespace"
    elif not token.isascii():
        problem = "contains a non-ASCII character"
    elif not token.isprintable():
        problem = "contains a control character"
    if problem:
        raise InvalidRequest(f"{source} {problem}")
    return token
