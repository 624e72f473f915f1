"""The on-disk cache of parsed records: same results as parsing, only unchanged text reused,
bad files never stored, and a cache file it did not write can run nothing."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import evidence_site.load.parse_cache as diskcache
from conftest import FIXTURES, ROOT
from evidence_site.errors import EvidenceCheckFailed
from evidence_site.load.loader import load_all
from evidence_site.load.parse_cache import DiskCache
from evidence_site.pipeline import load_base


@pytest.fixture
def evidence(tmp_path):
    folder = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini/evidence", folder)
    return folder


def _load(evidence: Path, folder: Path):
    cache = DiskCache(evidence, folder)
    try:
        return load_all(evidence, load=cache.load), cache
    finally:
        cache.save()


def test_a_second_load_parses_nothing_and_gives_the_same_records(evidence, tmp_path):
    (plain, errors), _ = (load_all(evidence), None)
    (first, _), cache = _load(evidence, tmp_path / "c")
    assert cache.misses == len(plain) and cache.hits == 0 and not errors
    (second, _), cache = _load(evidence, tmp_path / "c")
    assert cache.hits == len(plain) and cache.misses == 0
    assert [(x.kind, x.record, x.file, x.lines) for x in second] == [(x.kind, x.record, x.file, x.lines) for x in plain]


def test_an_edited_file_is_parsed_again(evidence, tmp_path):
    _load(evidence, tmp_path / "c")
    study = evidence / "studies/paper-a.yaml"
    study.write_text(study.read_text().replace("country: Norway", "country: Sweden"))
    (loaded, _), cache = _load(evidence, tmp_path / "c")
    assert cache.misses == 1
    assert next(x.record for x in loaded if x.kind == "studies").country == "Sweden"


def test_a_file_that_fails_is_never_stored_and_fails_every_time(evidence, tmp_path):
    study = evidence / "studies/paper-a.yaml"
    study.write_text(study.read_text().replace("country: Norway", "country: [Norway"))
    for _ in range(2):
        (loaded, errors), cache = _load(evidence, tmp_path / "c")
        assert [str(e) for e in errors] == [str(e) for e in load_all(evidence)[1]]
        assert errors and "invalid YAML" in str(errors[0])
    assert cache.misses == 1 and cache.hits == len(loaded)


def test_the_same_text_under_another_kind_is_not_a_hit(evidence, tmp_path):
    cache = DiskCache(evidence, tmp_path / "c")
    text = (evidence / "sources/paper-a.yaml").read_text()
    cache.parse(text, "sources", "x.yaml")
    cache.parse(text, "studies", "x.yaml")
    assert cache.misses == 2


def test_a_crafted_cache_file_runs_nothing_and_is_ignored(evidence, tmp_path):
    folder = tmp_path / "c"
    _load(evidence, folder)
    [file] = folder.glob("records-*.pickle")
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    file.write_bytes(pickle.dumps({b"k" * 16: Evil()}))
    (loaded, errors), cache = _load(evidence, folder)
    assert not marker.exists()
    assert cache.misses == len(loaded) and not errors


@pytest.mark.parametrize("junk", [b"", b"\x80\x05garbage", pickle.dumps([1, 2, 3])])
def test_a_damaged_cache_file_is_ignored(evidence, tmp_path, junk):
    folder = tmp_path / "c"
    _load(evidence, folder)
    [file] = folder.glob("records-*.pickle")
    file.write_bytes(junk)
    (loaded, errors), cache = _load(evidence, folder)
    assert cache.misses == len(loaded) and not errors
    (_, _), cache = _load(evidence, folder)  # and it was rewritten
    assert cache.hits == len(loaded)


def test_an_unwritable_cache_folder_does_not_stop_the_load(evidence, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    (loaded, errors), _ = _load(evidence, blocker / "c")
    assert loaded and not errors


def test_off_writes_nothing_and_the_default_lives_outside_the_project(evidence, tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", "off")
    assert diskcache.cache_dir() is None
    load_base(evidence, diskcache.load_all)
    assert not any(p.name.startswith("records-") for p in tmp_path.rglob("*.pickle"))
    monkeypatch.delenv("EVIDENCE_SITE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert diskcache.cache_dir() == tmp_path / "xdg/evidence-site"
    load_base(evidence, diskcache.load_all)
    assert len(list((tmp_path / "xdg/evidence-site").glob("records-*.pickle"))) == 1


def test_cross_record_checks_still_run_on_cached_records(evidence, tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCE_SITE_CACHE", str(tmp_path / "c"))
    load_base(evidence, diskcache.load_all)
    (evidence / "sources/review-a.yaml").unlink()  # records citing it are unchanged, and cached
    with pytest.raises(EvidenceCheckFailed, match="unknown source 'review-a'"):
        load_base(evidence, diskcache.load_all)


def test_the_command_line_check_uses_the_cache(evidence, tmp_path):
    env = {**os.environ, "EVIDENCE_SITE_CACHE": str(tmp_path / "c"), "PYTHONPATH": str(ROOT / "hooks")}
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "evidence_site.editing.cli", "--evidence", str(evidence), "check"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
        assert run.returncode == 0, run.stdout + run.stderr
    assert len(list((tmp_path / "c").glob("records-*.pickle"))) == 1


@pytest.fixture
def later(monkeypatch):
    """Load as if ten seconds had passed since the files were written: stamps.py trusts a stamp
    only for a file that had not changed for 2 s when it was read."""
    real = diskcache.time.time_ns
    monkeypatch.setattr(diskcache.time, "time_ns", lambda: real() + 10_000_000_000)


def test_an_unchanged_file_is_not_read_again(evidence, tmp_path, later):
    (plain, _) = load_all(evidence)
    _load(evidence, tmp_path / "c")
    (second, errors), cache = _load(evidence, tmp_path / "c")
    assert cache.unread == len(plain) and not errors
    assert [(x.kind, x.record, x.file, x.digest) for x in second] == [(x.kind, x.record, x.file, x.digest) for x in plain]
    assert dict(second[0].lines) == dict(plain[0].lines)  # read from the file when asked


def test_a_file_saved_just_before_the_load_is_read_again(evidence, tmp_path):
    _load(evidence, tmp_path / "c")  # every file was copied a moment ago: none has settled
    (loaded, _), cache = _load(evidence, tmp_path / "c")
    assert cache.unread == 0 and cache.hits == len(loaded)


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_seen(evidence, tmp_path, later):
    study = evidence / "studies/paper-a.yaml"
    before = study.stat()
    _load(evidence, tmp_path / "c")
    time.sleep(0.05)  # past a tick of the file system's clock: the change time moves
    study.write_text(study.read_text().replace("country: Norway", "country: Sweden"))  # same length
    os.utime(study, ns=(before.st_atime_ns, before.st_mtime_ns))
    (loaded, _), cache = _load(evidence, tmp_path / "c")
    assert cache.unread == len(loaded) - 1
    assert next(x.record for x in loaded if x.kind == "studies").country == "Sweden"


def test_a_trusted_file_replaced_by_a_link_is_refused(evidence, tmp_path, later):
    study = evidence / "studies/paper-a.yaml"
    _load(evidence, tmp_path / "c")
    target = tmp_path / "elsewhere.yaml"
    shutil.move(study, target)
    study.symlink_to(target)
    (_, errors), _ = _load(evidence, tmp_path / "c")
    assert [e.message for e in errors] == ["symbolic links are not allowed"]


def test_a_cache_file_of_the_wrong_shape_is_ignored(evidence, tmp_path, later):
    folder = tmp_path / "c"
    _load(evidence, folder)
    [file] = folder.glob("records-*.pickle")
    good = diskcache.Unpickler(open(file, "rb")).load()
    good["files"] = {path: "not a tuple" for path in good["files"]}
    file.write_bytes(pickle.dumps(good))
    (loaded, errors), cache = _load(evidence, folder)
    assert cache.unread == 0 and cache.misses == len(loaded) and not errors
