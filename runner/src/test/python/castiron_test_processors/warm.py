"""For the batch tests: notes what one interpreter does across the files of a batch.

Each step appends a line to the file named by CASTIRON_TEST_WARM_LOG: the module's import, the
worker's creation and setup, and each run with the file's name and the interpreter's pid. A file
named raise* raises, one named die* ends the interpreter at once (as a crash would).
"""
import os


def _note(text):
    with open(os.environ["CASTIRON_TEST_WARM_LOG"], "a", encoding="utf-8") as f:
        f.write(text + "\n")


_note("import")


class Worker:
    def __init__(self):
        _note("init")

    def setup(self, **kwargs):
        _note("setup " + ",".join(sorted(kwargs)))

    def run(self, file_path, **extras):
        name = os.path.basename(file_path)
        _note(f"run {name} {os.getpid()} {os.environ['ETL_ORIGINAL_NAME']} {os.getcwd() == os.path.dirname(os.path.dirname(file_path))}")
        if name.startswith("raise"):
            raise ValueError("no good: " + name)
        if name.startswith("die"):
            os._exit(9)
