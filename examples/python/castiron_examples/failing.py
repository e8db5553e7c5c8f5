"""A processor that always fails, to show what a failure looks like: the file goes to the
error folder, and with ``save_error_log = true`` its error log holds this traceback."""
import sys


def reject(file_path, reason="this example always fails", **kwargs):
    print(f"checking {file_path}", file=sys.stderr)
    raise ValueError(f"rejected {file_path}: {reason}")
