"""The `kg` command line. Each command lives in the module that does its work.

Commands are imported only when used, so `kg --help` and `kg query` do not pay
for matplotlib or pyshacl.
"""

import importlib
import sys

import click

from kg.errors import CuratorError

COMMANDS = {
    "build": "kg.pipeline.build:build_command",
    "validate": "kg.validate.cli:validate_command",
    "query": "kg.query.catalogue:query_command",
    "stats": "kg.store.embedded:stats_command",
    "export": "kg.store.export:export_command",
    "load": "kg.store.remote:load_command",
    "serve": "kg.serve.server:serve_command",
    "analyze": "kg.analysis.cli:analyze_command",
    "import-undl": "kg.pipeline.importing:import_undl_command",
    "coverage": "kg.review.cli:coverage_command",
    "review": "kg.review.cli:review_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported from COMMANDS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *sorted(set(super().list_commands(ctx)) - set(COMMANDS))]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unkg")
def cli() -> None:
    """Build, validate, query and serve the UN Ukraine votes knowledge graph."""


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
    except OSError as err:  # a file or folder missing, unwritable, a disk full
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
