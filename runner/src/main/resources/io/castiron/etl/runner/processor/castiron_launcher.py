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

An exception prints its traceback to stderr and exits with code 1; sys.exit(n) exits with n
(75 asks the runner to retry the file later).
"""
import asyncio
import importlib
import inspect
import json
import sys
import traceback


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
        call = json.load(f)
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
