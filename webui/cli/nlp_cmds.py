"""Commands of the NLP stage: `ct05 process`, `ct05 analyze`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from webui.cli.common import data_dir_option, existing_archive, open_archive, progress_bar, term


@click.command()
@data_dir_option
@click.option("--workers", default=None, type=click.IntRange(1, 64), help="Worker processes (default: CPUs).")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 10000))
def process(data_dir: Path | None, workers: int | None, batch: int) -> None:
    """Run the NLP enrichment over articles not processed yet (unchanged ones are skipped)."""
    from pipeline.run import run_pipeline
    from pipeline.steps import InProcessSteps

    data = existing_archive(data_dir)
    open_archive(data).close()  # a one-line error for an archive that cannot be opened
    steps = InProcessSteps(data, workers=workers, batch=batch,
                           bar=progress_bar)
    report = run_pipeline(data, [], steps, do=["process"])
    info = report.steps["process"]
    if info["status"] != "ok":
        raise click.ClickException(f"process: {info.get('reason') or info.get('error')}")
    click.echo(report.results[-1].output)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
def analyze(files: tuple[Path, ...], as_json: bool) -> None:
    """Run the whole enrichment on FILES outside the archive (.html pages or .txt visible text)."""
    from nlp.analyze import AnalyzeError, analyze_file

    failed = 0
    for path in files:
        try:
            record = analyze_file(path)
        except AnalyzeError as exc:
            failed += 1
            click.echo(term(str(exc)), err=True)  # the message names the file
            if as_json:
                click.echo(json.dumps({"file": str(path), "error": str(exc)}, ensure_ascii=False))
            continue
        if as_json:
            click.echo(term(json.dumps(record, ensure_ascii=False)))
        else:
            click.echo(f"== {term(path)}")
            for key, value in record.items():
                if key != "file":
                    click.echo(f"  {key}: {term(value)}")
    if failed == len(files):
        raise SystemExit(1)
