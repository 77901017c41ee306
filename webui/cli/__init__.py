"""The `ct05` command line: a thin layer of click commands over importable functions.

Each module here holds the commands of one stage; this module only builds the group.
"""

from __future__ import annotations

import sys

import click

from webui.cli.app_cmds import demo, serve, status
from webui.cli.archive_cmds import archive
from webui.cli.common import CONTEXT_SETTINGS, CliGroup
from webui.cli.crawl_cmds import crawl, import_cmd, sites
from webui.cli.index_cmds import index_cmd, search
from webui.cli.nlp_cmds import analyze, process
from webui.cli.report_cmds import report
from webui.cli.schedule_cmds import schedule


@click.group(cls=CliGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="ct05")
def cli() -> None:
    """ct05: tìm kiếm và khai thác tin bài về Chỉ thị 05-CT/TW trên báo chí địa phương.

    Pipeline: crawl → process (NLP) → index → serve. `ct05 demo` runs all of it offline.
    """


for command in (crawl, sites, import_cmd, process, analyze, index_cmd, search, report, serve, status, demo, schedule,
                archive):
    cli.add_command(command)


def main() -> None:
    """Entry point of the `ct05` script."""
    try:
        cli.main(prog_name="ct05", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive
        click.echo("interrupted", err=True)
        sys.exit(130)
