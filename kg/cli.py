"""The `kg` command line. Each command lives in the module that does its work."""

import sys

import click

from kg.build import build_command
from kg.errors import CuratorError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unkg")
def cli() -> None:
    """Build, validate, query and serve the UN Ukraine votes knowledge graph."""


cli.add_command(build_command)
cli.add_command(__import__("kg.bulk", fromlist=["import_undl_command"]).import_undl_command)
cli.add_command(__import__("kg.queries", fromlist=["query_command"]).query_command)
cli.add_command(__import__("kg.analysis.cli", fromlist=["analyze_command"]).analyze_command)
cli.add_command(__import__("kg.store", fromlist=["stats_command"]).stats_command)
cli.add_command(__import__("kg.remote", fromlist=["load_command"]).load_command)
cli.add_command(__import__("kg.serve", fromlist=["serve_command"]).serve_command)


def main() -> None:
    """Entry point: a curator's mistake is one clear message and exit code 2, never a traceback."""
    try:
        code = cli.main(standalone_mode=False)
    except CuratorError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except FileNotFoundError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
