"""Run `python -m <module> <args>` many times fast: each run is a forked child of one interpreter
that imported MkDocs, Material and the core once.

A child is a real process running the real command line entry point (`properdocs`, `evidence_site`)
with its own working folder, stdout, stderr and exit status; only interpreter start-up and imports
are shared. Without this, the hostile corpus would spend most of its time importing pydantic and
MkDocs (~0.5 s per command, two commands per case).

Usage (as a script): jobs as JSON on stdin, a list of {"module", "args", "cwd", "stdout", "stderr"};
prints the list of exit statuses as JSON.
"""
from __future__ import annotations

import importlib
import json
import os
import runpy
import sys
import traceback

WARM = ("properdocs.__main__", "properdocs.commands.build", "material", "pydantic", "yaml", "jinja2", "markdown",
        "evidence_site.editing.cli", "evidence_site.pipeline")


def _child(job: dict) -> int:
    """Runs in the forked child: behave like `python -m module args` started in job['cwd']."""
    os.chdir(job["cwd"])
    for fd, path in ((1, job["stdout"]), (2, job["stderr"])):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    sys.argv = [job["module"], *job["args"]]
    try:
        runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except BaseException:  # what the interpreter would do with an uncaught exception
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _modules_a_run_imports(job: dict) -> list[str]:
    """Run one job in a throw-away child and report which modules it imported (plugins, Markdown
    extensions, the hook's imports), so the parent can import them once for all children."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        before = set(sys.modules)
        _child(job)
        names = [name for name in sys.modules if name not in before and "/" not in name and name != "__main__"]
        with os.fdopen(write_end, "w") as pipe:
            pipe.write("\n".join(names))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        names = pipe.read().split()
    os.waitpid(pid, 0)
    return names


def warm_up(jobs: list[dict]) -> None:
    for name in WARM:
        __import__(name)
    for module in dict.fromkeys(job["module"] for job in jobs):
        for name in _modules_a_run_imports(next(job for job in jobs if job["module"] == module)):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - a module that only imports in its own context; the child will
                pass


def run_all(jobs: list[dict], workers: int) -> list[int]:
    warm_up(jobs)
    sys.stdout.flush()
    sys.stderr.flush()
    statuses: list[int | None] = [None] * len(jobs)
    running: dict[int, int] = {}
    pending = list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < workers:
            index, job = pending.pop(0)
            pid = os.fork()
            if pid == 0:
                os._exit(_child(job))
            running[pid] = index
        pid, status = os.wait()
        statuses[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    return [s if s is not None else -1 for s in statuses]


if __name__ == "__main__":
    print(json.dumps(run_all(json.load(sys.stdin), max(1, os.cpu_count() or 1))))
