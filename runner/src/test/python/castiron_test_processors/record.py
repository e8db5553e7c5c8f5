"""Writes what the runner passed to the processor, as JSON, to the file named by the ``out`` kwarg."""
import asyncio
import json
import os


def record(file_path, out, **kwargs):
    with open(file_path, "rb") as f:
        content = f.read()
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"name": os.path.basename(file_path), "size": len(content),
                   "content": content.decode("utf-8", "replace"), "kwargs": kwargs}, f)


async def record_async(file_path, out, **kwargs):
    await asyncio.sleep(0.01)
    record(file_path, out, awaited=True, **kwargs)


class Recorder:
    def setup(self, out, **kwargs):
        self.out = out
        self.setup_kwargs = kwargs

    def run(self, file_path, **extras):
        record(file_path, self.out, setup_kwargs=self.setup_kwargs, **extras)
