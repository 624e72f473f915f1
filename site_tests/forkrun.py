"""Run `python -m <module> <args>` many times fast: each run is a forked child of one interpreter
that imported MkDocs, Material and the core once.

A child is a real process running the real command line entry point (`mkdocs`, `evidence_site`)
with its own working folder, stdout, stderr and exit status; only interpreter start-up and imports
are shared. Without this, the hostile corpus would spend most of its time importing pydantic and
MkDocs (~0.5 s per command, two commands per case).

Usage (as a script): jobs as JSON on stdin, a list of {"module", "args", "cwd", "stdout", "stderr"};
prints the list of exit statuses as JSON.
"""
from __future__ import annotations

import json
import os
import runpy
import sys
import traceback

WARM = ("mkdocs.__main__", "mkdocs.commands.build", "material", "pydantic", "yaml", "jinja2", "markdown",
        "evidence_site.cli", "evidence_site.site")


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


def run_all(jobs: list[dict], workers: int) -> list[int]:
    for name in WARM:
        __import__(name)
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
