"""Writes the Python type and value of each kwarg, as JSON, to the file named by the ``out`` kwarg."""
import datetime
import json


def _describe(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        aware = isinstance(value, (datetime.datetime, datetime.time)) and value.utcoffset() is not None
        return {"type": type(value).__name__, "iso": value.isoformat(), "aware": aware}
    if isinstance(value, float):
        return {"type": "float", "repr": repr(value)}
    if isinstance(value, list):
        return [_describe(item) for item in value]
    if isinstance(value, dict):
        return {key: _describe(item) for key, item in value.items()}
    return {"type": type(value).__name__, "repr": repr(value)}


def describe(file_path, out, **kwargs):
    with open(out, "w", encoding="utf-8") as f:
        json.dump({name: _describe(value) for name, value in kwargs.items()}, f)
