"""The `kg` command line. Each command lives in the module that does its work."""

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unkg")
def main() -> None:
    """Build, validate, query and serve the UN Ukraine votes knowledge graph."""
