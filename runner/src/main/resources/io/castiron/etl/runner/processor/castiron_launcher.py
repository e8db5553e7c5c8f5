"""Calls a pipeline's Python processor for the Cast-Iron ETL runner.

Usage: python3 castiron_launcher.py CALL_JSON

CALL_JSON is a file holding {"run": "<worker_run_method>", "class": "<worker_class>" | null,
"setup": "<worker_setup_method>" | null, "file": "<local path>", "kwargs": {...}, "extras": {...}}.

- Without a class, "run" is an absolute import path (package.module.function), called as
  function(file, **kwargs, **extras).
- With a class (an absolute import path), it is created without arguments; when "setup" is set,
  instance.<setup>(**kwargs) is called first and instance.<run>(file, **extras) next, otherwise
  instance.<run>(file, **kwargs, **extras). "run" and "setup" are method names (a dotted path
  is cut to its last part).
- "extras" holds file_metadata and pizza_tracker / pizza_job_id when the pipeline enables them.
- Coroutine functions (async def) and returned awaitables are awaited.
- TOML values that JSON has not arrive as objects of one tagged field (io.castiron.etl.toml.TomlValues):
  {"$datetime": ISO text} becomes a datetime (aware when the text has an offset), {"$date": ...} a date,
  {"$time": ...} a time, {"$float": "inf" | "-inf" | "nan"} a float, as the original's TOML reader gave them.

An exception prints its traceback to stderr and exits with code 1; sys.exit(n) exits with n
(75 asks the runner to retry the file later).
"""
import asyncio
import datetime
import importlib
import inspect
import json
import re
import sys
import traceback

_FRACTION = re.compile(r"\.(\d+)")


def _iso(text):
    """ISO text that datetime.fromisoformat reads on every Python 3: Z as +00:00, 6 fraction digits."""
    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    return _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)


_TAGGED = {
    "$datetime": lambda text: datetime.datetime.fromisoformat(_iso(text)),
    "$date": datetime.date.fromisoformat,
    "$time": lambda text: datetime.time.fromisoformat(_iso(text)),
    "$float": float,
}


def _typed(obj):
    if len(obj) == 1:
        (tag, text), = obj.items()
        if tag in _TAGGED and isinstance(text, str):
            return _TAGGED[tag](text)
    return obj


def _import(path, what):
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise ImportError(f"{what} '{path}' is not an absolute import path (package.module.name)")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImportError(f"{what} '{path}': module {module_name} has no attribute '{attribute}'") from None


def _call(function, *args, **kwargs):
    result = function(*args, **kwargs)
    if inspect.isawaitable(result):
        async def wait():
            return await result
        result = asyncio.run(wait())
    return result


def main(call_path):
    with open(call_path, encoding="utf-8") as f:
        call = json.load(f, object_hook=_typed)
    kwargs = call.get("kwargs") or {}
    extras = call.get("extras") or {}
    if call.get("class"):
        instance = _import(call["class"], "worker_class")()
        run = getattr(instance, call["run"].rpartition(".")[2])
        if call.get("setup"):
            _call(getattr(instance, call["setup"].rpartition(".")[2]), **kwargs)
            return _call(run, call["file"], **extras)
        return _call(run, call["file"], **kwargs, **extras)
    return _call(_import(call["run"], "worker_run_method"), call["file"], **kwargs, **extras)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: castiron_launcher.py CALL_JSON", file=sys.stderr)
        sys.exit(2)
    try:
        main(sys.argv[1])
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        sys.exit(1)
