"""The floor `make bench` compares `cargo-ai --help` with: a bare click
program with two commands, run by the same interpreter."""

import click


@click.group()
def cli() -> None:
    """A bare two-command click program."""


@cli.command()
def first() -> None:
    """The first command."""


@cli.command()
def second() -> None:
    """The second command."""


if __name__ == "__main__":
    cli()
