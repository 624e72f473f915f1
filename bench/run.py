"""Benchmark: how the generator scales with the number of study records.

    python3 bench/run.py                       # N = 100, 1,000 and 10,000 (several minutes)
    python3 bench/run.py --sizes 100,1000      # a quicker run
    python3 bench/run.py --sizes 1000 --no-serve --keep

For each N it writes a synthetic project (bench/synth.py) into a temporary folder and prints:
load + check time of the records (a first run that parses every file, and a later run that
takes unchanged files from the record cache, diskcache.py), render time, the full `mkdocs build`
time (a first build: its record cache starts empty), the build's peak memory, output size and
ms per page; the time and peak memory of plain MkDocs + Material building the same pages written
out as ordinary Markdown files (same config, same not_in_nav, no hook), and the ratios of the two
measured in the same run (the generator's overhead); and the editor loop: under `mkdocs serve --dirty`,
the time from saving one edited record to the served page showing the edit, and to the
catch-up build that updates overviews and exports after it (RenderMemo.render). Every target of
the issue is printed beside its figure with PASS or MISS at the N it is set for, then listed. Figures are printed, never asserted.

Runs with the project's .venv (made by tasks.py) whatever python3 starts it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "hooks")]

from bench import synth  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
MB = 1024 * 1024

# The targets: (key, label, limit, unit, the N it is judged at). A ratio to plain MkDocs
# is measured in the same run, so other work on the machine moves both of its builds alike.
# Builds are single-threaded, so their targets are judged on CPU time (user + system), which is
# what they take on an idle machine and moves less than wall time when other work shares the cores.
TARGET_N = 10_000
BOTH = (1_000, TARGET_N)
TARGETS = [
    ("overhead", "full build / plain MkDocs, same pages (CPU)", 1.05, "x", BOTH),
    ("peak_ratio", "peak memory / plain MkDocs' peak", 1.5, "x", (TARGET_N,)),
    ("load_check_cpu_s", "load + check of the records, first run (CPU)", 2.0, "s", (TARGET_N,)),
    ("load_check_warm_cpu_s", "load + check with the record cache (CPU)", 0.5, "s", (TARGET_N,)),
    ("study_page_kb", "largest study page (HTML)", 30.0, "KB", (TARGET_N,)),
    ("edit_s", "edit -> edited page served (median)", 1.0, "s", (TARGET_N,)),
    ("catch_up_s", "edit -> overviews and exports caught up (median)", 3.0, "s", (TARGET_N,)),
]
SCALING_LIMIT = 10.5  # full build of 10,000 / full build of 1,000 (CPU)


# --- running and measuring a child process ---------------------------------------------------

@dataclass
class Measured:
    seconds: float  # wall clock
    cpu_s: float  # user + system time of the child: what the build costs on an idle machine
    peak_mb: float
    returncode: int
    output: str


def fresh_cache(project_root: Path, name: str) -> dict[str, str]:
    """Environment for a child that starts with an empty record cache of its own (diskcache.py)."""
    folder = project_root / f"record-cache-{name}"
    shutil.rmtree(folder, ignore_errors=True)
    return {**ENV, "EVIDENCE_SITE_CACHE": str(folder)}


def measure(cmd: list[str], cwd: Path, timeout: float = 3600, env: dict | None = None) -> Measured:
    """Run cmd; wall and CPU time and the peak resident memory of that child alone (wait4's rusage)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=log, stderr=subprocess.STDOUT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, log.read())


def python() -> str:
    return sys.executable


# --- the core alone: load + check, render, and the Markdown for the plain build --------------

def core_main(evidence: Path, dump: Path | None) -> None:
    """Child process: time the core's phases; optionally write every page as plain Markdown."""
    import evidence_site.load.parse_cache as diskcache
    import evidence_site.pipeline as site
    from evidence_site.pipeline import load_base
    from evidence_site.records.memo import gc_paused
    from evidence_site.render.renderer import render_site

    with gc_paused(keep_until_exit=True):  # as site.build does in `mkdocs build`
        t0, c0 = time.perf_counter(), time.process_time()
        base = load_base(evidence, diskcache.load_all)  # the cache folder starts empty: every file is parsed
        t1, c1 = time.perf_counter(), time.process_time()
        pages = render_site(base)
        t2, c2 = time.perf_counter(), time.process_time()
        load_base(evidence, diskcache.load_all)  # as the next build: the files are unchanged
        t3, c3 = time.perf_counter(), time.process_time()
    figures = {"load_check_s": t1 - t0, "load_check_cpu_s": c1 - c0, "render_s": t2 - t1, "render_cpu_s": c2 - c1,
               "load_check_warm_s": t3 - t2, "load_check_warm_cpu_s": c3 - c2,
               "generated_pages": len(pages), "records": sum(len(r) for r in base.records.values())}
    if dump is not None:
        content = evidence.parent / "content"
        built = site.Built(base, pages, True)
        for src, page in pages.items():
            _write(dump / src, page.markdown)
        for path in sorted(content.rglob("*")):
            rel = path.relative_to(content).as_posix()
            if path.suffix == ".md":
                _write(dump / rel, built.cite_page(path.read_text(encoding="utf-8"), rel, f"content/{rel}"))
            elif path.is_file():
                (dump / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, dump / rel)
    print(json.dumps(figures))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def time_core(project: synth.Project, dump: Path | None = None) -> dict:
    cmd = [python(), __file__, "--core", str(project.evidence)] + (["--dump", str(dump)] if dump else [])
    run = measure(cmd, project.root, env=fresh_cache(project.root, "core"))
    if run.returncode:
        raise RuntimeError(f"core timing failed:\n{run.output}")
    return json.loads(run.output.strip().splitlines()[-1])


# --- builds ----------------------------------------------------------------------------------

def mkdocs_build(config: Path, again: bool = False) -> Measured:
    """A first build: the cache folder (records, references, charts) starts empty; with again, a
    second build that finds what the first one kept there, as the next build of a checkout does."""
    env = {**ENV, "EVIDENCE_SITE_CACHE": str(config.parent / "record-cache-build")} if again else \
        fresh_cache(config.parent, "build")
    run = measure([python(), "-m", "mkdocs", "build", "--strict", "-f", str(config)], config.parent, env=env)
    if run.returncode:
        raise RuntimeError(f"mkdocs build of {config} failed:\n{run.output[-3000:]}")
    return run


def plain_project(project: synth.Project) -> Path:
    """The same site as ordinary Markdown files and no hook; returns its mkdocs.yml."""
    plain = project.root / "plain"
    (plain / "docs").mkdir(parents=True, exist_ok=True)
    config = plain / "mkdocs.yml"
    config.write_text(synth.mkdocs_config(hooked=False, docs_dir="docs", name="Synthetic evidence (plain)"), encoding="utf-8")
    return config


def site_stats(site_dir: Path) -> dict:
    """Output size, number of HTML pages, and the sizes of the study pages."""
    total = files = html = 0
    for path in site_dir.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total, files, html = total + size, files + 1, html + (path.suffix == ".html")
    studies = [p.stat().st_size for p in (site_dir / "studies").glob("*/index.html")]
    return {"output_mb": total / MB, "output_files": files, "html_pages": html,
            "study_page_kb": max(studies, default=0) / 1024,
            "study_page_median_kb": statistics.median(studies) / 1024 if studies else 0}


# --- the editor loop under `mkdocs serve --dirty` ------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, proc: subprocess.Popen, want: str, timeout: float) -> float | None:
    """Seconds until the page at url contains want (bounded by timeout); None if it never did."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout and proc.poll() is None:
        body = _get(url)
        if body is not None and want in body:
            return time.perf_counter() - start
        time.sleep(0.02)
    return None


def editor_loop(project: synth.Project, edits: int = 3, dirty: bool = True, timeout: float = 1800) -> dict:
    """Serve the project, edit `edits` study records one at a time, time each until its page changes."""
    port = free_port()
    cmd = [python(), "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(project.config)]
    cmd += ["--dirty", "--no-strict"] if dirty else []  # strict mode aborts on the dirty-build warning
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    # A benchmark started in the background (`... &`) inherits an ignored SIGINT; the server must
    # take it, or _stop can only kill it and its shutdown hooks (removing temp folders) never run.
    proc = subprocess.Popen(cmd, cwd=project.root, env=fresh_cache(project.root, "serve"), stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    url = f"http://127.0.0.1:{port}/synthetic/"
    times: list[float] = []
    caught_up: list[float] = []  # until the catch-up build has updated the overviews and exports
    try:
        first = _wait_for(url + project.study_url(1), proc, "</html>", timeout)
        if first is None:
            raise RuntimeError("mkdocs serve did not come up:\n" + _tail(log))
        time.sleep(1.0)  # let the file watcher settle before the first edit
        for k in range(edits):
            i = 1 + (k * 7919) % project.studies  # different records, spread over the base
            marker = f"bench-edit-{k}-{time.time_ns()}"
            path = project.study_file(i)
            text = path.read_text(encoding="utf-8")
            edited = re.sub(r"^population: (Edit \S+ )?", f"population: Edit {marker} ", text, count=1, flags=re.M)
            start = time.perf_counter()
            path.write_text(edited, encoding="utf-8")
            waited = _wait_for(url + project.study_url(i), proc, marker, timeout)
            if waited is None:
                raise RuntimeError(f"the edit of {path.name} never showed:\n" + _tail(log))
            times.append(time.perf_counter() - start)
            # The fast rebuild leaves overviews and exports to a catch-up build (RenderMemo.render);
            # the next edit waits for it, as an editor's next save usually comes later than that.
            if _wait_for(url + "data/evidence.json", proc, marker, timeout) is None:
                raise RuntimeError(f"the catch-up after editing {path.name} never came:\n" + _tail(log))
            caught_up.append(time.perf_counter() - start)
            time.sleep(0.5)
        untouched = 2 if project.studies > 1 else 1
        if _wait_for(url + project.study_url(untouched), proc, "</html>", 60) is None:
            raise RuntimeError("an unedited page is no longer served after the edits:\n" + _tail(log))
    finally:
        _stop(proc)
        output = _tail(log, 100_000)
        log.close()
    rebuilds = [float(s) for s in re.findall(r"Documentation built in ([0-9.]+) seconds", output)]
    return {"serve_first_build_s": rebuilds[0] if rebuilds else first, "edit_s": statistics.median(times),
            "edit_times_s": times, "catch_up_s": statistics.median(caught_up), "rebuild_s": rebuilds[1:]}


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tail(log, limit: int = 3000) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-limit:]


# --- one size, all sizes ---------------------------------------------------------------------

def bench_size(n: int, workdir: Path, serve: bool = True, edits: int = 3) -> dict:
    """Every figure for one N, measured in a fresh project under workdir."""
    root = workdir / f"n{n}"
    t = time.perf_counter()
    project = synth.generate(root, n)
    result: dict = {"n": n, "sources": project.sources, "topics": project.topics,
                    "generate_s": time.perf_counter() - t}
    plain_config = plain_project(project)
    result |= time_core(project, dump=plain_config.parent / "docs")
    build = mkdocs_build(project.config)
    pages = sum(1 for _ in (root / "content").rglob("*.md")) + result["generated_pages"]
    result |= {"build_s": build.seconds, "build_cpu_s": build.cpu_s, "peak_mb": build.peak_mb, "pages": pages,
               "ms_per_page": 1000 * build.cpu_s / pages}
    result |= site_stats(root / "site")
    cached = mkdocs_build(project.config, again=True)
    plain = mkdocs_build(plain_config)
    result |= {"plain_build_s": plain.seconds, "plain_build_cpu_s": plain.cpu_s, "plain_peak_mb": plain.peak_mb,
               "overhead": build.cpu_s / plain.cpu_s, "overhead_wall": build.seconds / plain.seconds,
               "peak_ratio": build.peak_mb / plain.peak_mb,
               "build_cached_cpu_s": cached.cpu_s, "overhead_cached": cached.cpu_s / plain.cpu_s}
    if serve:
        result |= editor_loop(project, edits)
    return result


def machine() -> dict:
    mem = ""
    try:
        total_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        mem = f"{total_kb / MB:.1f} GiB"
    except (OSError, TypeError):
        pass
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "cores": os.cpu_count(),
            "memory": mem, "python": platform.python_version(), "platform": platform.platform()}


def _status(value: float, limit: float) -> str:
    return "PASS" if value <= limit else "MISS"


def evaluate(results: list[dict]) -> list[tuple[str, str, str, str]]:
    """(target, measured, limit, PASS/MISS): each target at the N it is set for, or, when the run
    did not reach that N, at the largest N measured (said in the label), and the 10,000-vs-1,000
    scaling."""
    if not results:
        return []
    by_n = {r["n"]: r for r in results}
    top = max(by_n)
    rows = []
    for key, label, limit, unit, sizes in TARGETS:
        judged = [(n, "") for n in sizes if n in by_n] or [(top, f"; set for N={sizes[-1]:,}")]
        for n, note in judged:
            name = f"{label} (N={n:,}{note})"
            if key not in by_n[n]:
                rows.append((name, "not measured", f"<= {limit:g} {unit}", "SKIP"))
                continue
            value = by_n[n][key]
            rows.append((name, f"{value:.2f} {unit}", f"<= {limit:g} {unit}", _status(value, limit)))
    label = f"full build N={TARGET_N:,} / N=1,000 (CPU)"
    if TARGET_N in by_n and 1000 in by_n:
        ratio = by_n[TARGET_N]["build_cpu_s"] / by_n[1000]["build_cpu_s"]
        rows.append((label, f"{ratio:.2f} x", f"<= {SCALING_LIMIT:g} x", _status(ratio, SCALING_LIMIT)))
    else:
        rows.append((label, "not measured (needs --sizes with 1000 and 10000)", f"<= {SCALING_LIMIT:g} x", "SKIP"))
    return rows


FIGURES = [
    ("records", "records", "{:,}"), ("pages", "pages", "{:,}"),
    ("load_check_s", "load + check (s)", "{:.2f}"), ("load_check_cpu_s", "  CPU (s)", "{:.2f}"),
    ("load_check_warm_s", "  again, cached (s)", "{:.2f}"), ("load_check_warm_cpu_s", "  CPU (s)", "{:.2f}"),
    ("render_s", "render (s)", "{:.2f}"), ("render_cpu_s", "  CPU (s)", "{:.2f}"),
    ("build_s", "full build (s)", "{:.2f}"), ("build_cpu_s", "  CPU (s)", "{:.2f}"),
    ("plain_build_s", "plain MkDocs (s)", "{:.2f}"), ("plain_build_cpu_s", "  CPU (s)", "{:.2f}"),
    ("overhead", "full / plain CPU (x)", "{:.3f}"), ("overhead_wall", "full / plain wall (x)", "{:.3f}"),
    ("build_cached_cpu_s", "2nd build, cached CPU", "{:.2f}"), ("overhead_cached", "  / plain CPU (x)", "{:.3f}"),
    ("ms_per_page", "ms per page (CPU)", "{:.2f}"),
    ("peak_mb", "peak memory (MB)", "{:.0f}"), ("plain_peak_mb", "plain peak (MB)", "{:.0f}"),
    ("peak_ratio", "peak / plain peak (x)", "{:.2f}"),
    ("output_mb", "output (MB)", "{:.1f}"), ("study_page_kb", "study page max (KB)", "{:.1f}"),
    ("serve_first_build_s", "serve 1st build (s)", "{:.2f}"), ("edit_s", "edit->served (s)", "{:.2f}"),
    ("catch_up_s", "edit->overviews (s)", "{:.2f}"),
]


def report(results: list[dict], info: dict) -> str:
    """The printed table: one column per N, the target beside each figure it applies to (PASS or
    MISS in the cells of the N it is set for), then every target with its verdict."""
    lines = [f"Machine: {info['cores']} cores, {info['memory']}, Python {info['python']}, {info['platform']}; {info['date']}", ""]
    width, cell = 22, 14
    targets = {key: (limit, unit, sizes) for key, _, limit, unit, sizes in TARGETS}
    lines.append("N".ljust(width) + "".join(f"{r['n']:>{cell},}" for r in results) + "   target")
    for key, label, fmt in FIGURES:
        cells = ""
        for r in results:
            text = fmt.format(r[key]) if key in r else "-"
            if key in targets and key in r and r["n"] in targets[key][2]:
                text += " " + _status(r[key], targets[key][0])
            cells += f"{text:>{cell}}"
        if key in targets:
            limit, unit, sizes = targets[key]
            cells += f"   <= {limit:g} {unit} at N=" + " and ".join(f"{n:,}" for n in sizes)
        elif key == "build_cpu_s":
            cells += f"   N={TARGET_N:,} / N=1,000 <= {SCALING_LIMIT:g} x"
        lines.append(label.ljust(width) + cells)
    edits = [r for r in results if "edit_times_s" in r]
    for r in edits:
        shown = ", ".join(f"{t:.2f}" for t in r["edit_times_s"])
        rebuilt = ", ".join(f"{t:.2f}" for t in r["rebuild_s"])
        lines.append(f"  N={r['n']:,}: edits served after {shown} s; MkDocs reported rebuilds of {rebuilt} s")
    lines += ["", "Targets:"]
    for label, value, limit, status in evaluate(results):
        lines.append(f"  {status:<5} {label:<72} {value:>12}   (target {limit})")
    return "\n".join(lines)


def _reexec_in_venv() -> None:
    """Use the project's .venv (creating it like tasks.py does) when started with another python."""
    import tasks

    if Path(sys.prefix).resolve() != tasks.VENV.resolve():
        tasks.ensure_venv()
        os.execv(str(tasks.PY), [str(tasks.PY), __file__, *sys.argv[1:]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated numbers of studies")
    parser.add_argument("--no-serve", action="store_true", help="skip the editor-loop measurement")
    parser.add_argument("--edits", type=int, default=3, help="edits timed in the editor loop")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (printed path)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--core", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.core:
        core_main(args.core, args.dump)
        return 0
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    info, results = machine(), []
    try:
        for n in sizes:
            print(f"N={n:,}: generating and building in {workdir} ...", flush=True)
            results.append(bench_size(n, workdir, serve=not args.no_serve, edits=args.edits))
            print(json.dumps(results[-1]), flush=True)
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(report(results, info))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    if "--core" not in sys.argv:
        _reexec_in_venv()
    sys.exit(main())
