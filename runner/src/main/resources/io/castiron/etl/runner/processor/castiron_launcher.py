"""Calls a pipeline's Python processor for the Cast-Iron ETL runner, once per file, in one interpreter.

Usage: python3 castiron_launcher.py

Each line on stdin is the path of a CALL_JSON file holding {"run": "<worker_run_method>",
"class": "<worker_class>" | null, "setup": "<worker_setup_method>" | null, "file": "<local path>",
"kwargs": {...}, "extras": {...}, "env": {...}, "cwd": "<folder>"}; the call runs in "cwd" with "env"
added to the environment. When it has ended, a line RESULT_MARKER + exit code goes to stderr (after
everything the call wrote), and the next line is read; stdin's end ends the interpreter. The
processor's module is imported once, and a worker class is made (and its setup called) once, for all
the files of a batch, as the original's warm workers did.

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

An exception prints its traceback to stderr and ends the call with code 1; sys.exit(n) ends it with n
(75 asks the runner to retry the file later); the interpreter goes on with the next file either way.
"""
import asyncio
import datetime
import importlib
import inspect
import json
import os
import re
import sys
import traceback

_FRACTION = re.compile(r"\.(\d+)")
RESULT_MARKER = "\x1ecastiron-call-ended "


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


def _worker(call, kwargs, workers):
    """The worker class's instance, made (and set up) at its first call only."""
    key = (call["class"], call.get("setup"))
    if key not in workers:
        instance = _import(call["class"], "worker_class")()
        if call.get("setup"):
            _call(getattr(instance, call["setup"].rpartition(".")[2]), **kwargs)
        workers[key] = instance
    return workers[key]


def run(call_path, workers):
    with open(call_path, encoding="utf-8") as f:
        call = json.load(f, object_hook=_typed)
    os.environ.update(call.get("env") or {})
    if call.get("cwd"):
        os.chdir(call["cwd"])
    kwargs = call.get("kwargs") or {}
    extras = call.get("extras") or {}
    if call.get("class"):
        instance = _worker(call, kwargs, workers)
        run_method = getattr(instance, call["run"].rpartition(".")[2])
        if call.get("setup"):
            return _call(run_method, call["file"], **extras)
        return _call(run_method, call["file"], **kwargs, **extras)
    return _call(_import(call["run"], "worker_run_method"), call["file"], **kwargs, **extras)


def _exit_code(exit):
    if exit is None:
        return 0
    if isinstance(exit, int):
        return exit
    print(exit, file=sys.stderr)
    return 1


def serve():
    workers = {}
    for line in sys.stdin:
        code = 0
        try:
            run(line.rstrip("\n"), workers)
        except SystemExit as e:
            code = _exit_code(e.code)
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.write(RESULT_MARKER + str(code) + "\n")
        sys.stderr.flush()


if __name__ == "__main__":
    if len(sys.argv) != 1:
        print("usage: castiron_launcher.py (call files' paths on stdin, one per line)", file=sys.stderr)
        sys.exit(2)
    serve()
