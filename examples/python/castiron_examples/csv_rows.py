"""Print the rows of a CSV file: the smallest useful processor.

The runner calls ``print_rows(<local file path>, **kwargs)``; ``row_prefix`` comes from the
pipeline's ``[castiron.etl.python.static_kwargs]`` and ``file_metadata`` (the object's
metadata) is passed because the pipeline sets ``supports_metadata = true``.
"""
import asyncio
import csv


def print_rows(file_path, row_prefix="row", file_metadata=None):
    name = (file_metadata or {}).get("originalFilename", file_path)
    with open(file_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        print(f"{name}: columns {header}")
        count = 0
        for count, row in enumerate(reader, start=1):
            print(f"{row_prefix} {count}: {' | '.join(row)}")
    print(f"{name}: {count} rows")
    return count


async def print_rows_async(file_path, row_prefix="row", file_metadata=None):
    """The same as an ``async def``: the runner awaits it."""
    await asyncio.sleep(0)
    return print_rows(file_path, row_prefix=row_prefix, file_metadata=file_metadata)


class RowPrinter:
    """The class form: ``worker_class`` is created once, ``worker_setup_method`` gets the kwargs,
    then ``worker_run_method`` gets the file (and file_metadata / pizza_tracker when enabled)."""

    def setup(self, row_prefix="row"):
        self.row_prefix = row_prefix

    def run(self, file_path, file_metadata=None):
        return print_rows(file_path, row_prefix=self.row_prefix, file_metadata=file_metadata)
