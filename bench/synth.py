"""Synthetic evidence for the benchmark: a complete, valid project folder with N study records.

Part of the benchmark, never of the site: everything it writes is obviously synthetic
("Synthetic study 0042", DOIs under the 10.5555 test prefix, URLs on example.org, registry ids
NCT99xxxxxx that no trial has) and it refuses to write into the repository's own evidence/.

    python3 bench/synth.py 1000 /tmp/synthetic-1000   # write a project; then mkdocs build -f ...

The project is shaped like the real one: one source per paper, shared reviews that supply design
details and PEDro scores, registry records for trials that several papers report, studies with
interventions, numbered findings and the odd editorial note, and topics whose conclusions cite
studies. The level scheme and the outcomes are copied from the repository's evidence/.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO_EVIDENCE = ROOT / "evidence"

PAPERS_PER_REVIEW = 25      # each review supplies design details for this many studies
STUDIES_PER_TOPIC = 50      # one topic (with 2-4 conclusions) per this many studies
SHARED_TRIAL_EVERY = 5      # every 5th registered trial is reported by 2-3 papers (like the Tromsø trial)

COUNTRIES = ["Norway", "Denmark", "Finland", "Canada", "Australia", "Netherlands", "Iran", "Italy",
             "Spain", "United Kingdom", "United States", "Germany", "Japan", "Brazil"]
SCHEDULES = ["once a day", "once a week", "twice a week", "every two weeks", "once a month"]
DURATIONS = ["12 weeks", "24 weeks", "48 weeks", "96 weeks", "6 months", "1 year", "2 years"]
COMPARATORS = ["Placebo", "Usual care", "Low-dose vitamin D", "No supplementation", "Calcium alone"]
DIRECTIONS = ["benefit", "no-difference", "no-difference", "harm", "mixed", None]
TAGS = ["multiple sclerosis", "bone density", "relapses", "vitamin D3", "randomised controlled trial",
        "cohort", "fatigue", "EDSS", "MRI lesions", "bone turnover markers", "safety", "paediatric"]
SURNAMES = ["Synthson", "Fakeley", "Mockford", "Placeholder", "Testwood", "Dummett", "Stubbs",
            "Samplewell", "Fixtureby", "Generata"]
FINDING_TEMPLATES = [
    "Synthetic finding: {outcome} changed by {a}.{b}% in the intervention group and {c}.{d}% in the comparator "
    "group over the study period (p = 0.{p:03d}).",
    "Synthetic finding: the proportion of participants with a worse {outcome} was {a}% versus {c}% "
    "(relative risk 0.{p:02d}, 95% CI 0.{b}{d} to 1.{a:02d}).",
    "Synthetic finding: there was no difference in {outcome} between groups at {a} weeks; the mean "
    "difference was {b}.{d} units (95% CI -{c}.{b} to {a}.{d}).",
    "Synthetic finding: serum 25(OH)D changed from {a} to {c} nmol/L with the intervention, and {outcome} "
    "followed the same pattern in {a} of 100 participants.",
]


@dataclass(frozen=True)
class Project:
    """Where a generated project lives and what is in it."""

    root: Path
    studies: int
    sources: int
    topics: int

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def evidence(self) -> Path:
        return self.root / "evidence"

    def study_file(self, i: int) -> Path:
        return self.evidence / "studies" / f"{study_id(i, self.studies)}.yaml"

    def study_url(self, i: int) -> str:
        return f"studies/{study_id(i, self.studies)}/"


def _width(n: int) -> int:
    return max(4, len(str(n)))


def study_id(i: int, n: int) -> str:
    return f"synthetic-study-{i:0{_width(n)}d}"


def paper_id(i: int, n: int) -> str:
    return f"synthetic-paper-{i:0{_width(n)}d}"


# --- the configuration and the hand-written pages --------------------------------------------

def mkdocs_config(hooked: bool = True, docs_dir: str = "content", name: str = "Synthetic evidence") -> str:
    """The site config: the real site's theme, plugins and extensions; the hook by absolute path.

    With hooked=False it is the same site without the hook, for the plain-MkDocs comparison.
    """
    hook = f"hooks:\n  - {ROOT / 'hooks' / 'mkdocs_hook.py'}\n" if hooked else ""
    return f"""# Written by bench/synth.py: a synthetic benchmark project, not a real site.
site_name: "{name}"
site_url: https://example.org/synthetic/
repo_url: https://github.com/example/synthetic-evidence
edit_uri: edit/main/content/
docs_dir: {docs_dir}
site_dir: site
strict: true
theme:
  name: material
  custom_dir: {ROOT / 'hooks' / 'theme'}
  language: en
  font: false
  icon:
    edit: material/pencil
  features: [content.action.edit, navigation.top, navigation.indexes, search.highlight, toc.follow]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: teal
      toggle: {{icon: material/brightness-7, name: Switch to dark mode}}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: teal
      toggle: {{icon: material/brightness-4, name: Switch to light mode}}
{hook}plugins:
  - search
  - tags
extra_css:
  - assets/site.css
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
validation:
  omitted_files: info
  absolute_links: warn
  unrecognized_links: warn
  anchors: warn
nav:
  - Home: index.md
  - Studies: studies/index.md
  - Sources: sources/index.md
  - About: about.md
  - Not medical advice: disclaimer.md
not_in_nav: |
  /studies/*.md
  /sources/*.md
  /topics/*.md
  /agents/*.md
  /claims/*.md
"""


def content_pages(n: int) -> dict[str, str]:
    """Hand-written pages; the home page cites sources, so citation resolution is measured too."""
    first, second = paper_id(1, n), paper_id(min(2, n), n)
    return {
        "index.md": f"""# Synthetic evidence ({n:,} studies)

This is a **synthetic** site made by the benchmark (`bench/synth.py`). Nothing on it is real.

- [Studies](studies/index.md): every synthetic study.
- [Sources](sources/index.md): every synthetic source.

## Key messages

- Synthetic study 1 found a synthetic effect on bone density. [@{first}]
- Synthetic study 2 found no difference, as the review also says. [@{second}, p. 3; @synthetic-review-0001]
""",
        "about.md": "# About\n\nA synthetic benchmark project. See `bench/run.py` in the generator's repository.\n",
        "disclaimer.md": "# Not medical advice\n\nSynthetic data: nothing here describes a real study.\n",
    }


# --- records ---------------------------------------------------------------------------------

def _dump(kind_schema: str, data: dict) -> str:
    header = f"# yaml-language-server: $schema=../_schemas/{kind_schema}.schema.json\n"
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return header + yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


def _authors(rng: random.Random, i: int) -> list[str]:
    count = rng.choice([1, 3, 5, 8])
    return [f"{rng.choice(SURNAMES)}{(i + k) % 97} {chr(65 + (i + k) % 26)}{chr(65 + (i * 7 + k) % 26)}"
            for k in range(count)]


def paper(rng: random.Random, i: int, n: int, trial: str | None, agent_name: str, outcome_name: str) -> dict:
    """A journal article: the publication a study record summarises."""
    w = _width(n)
    return {
        "id": paper_id(i, n), "kind": "journal-article", "authors": _authors(rng, i),
        "title": f"Synthetic study {i:0{w}d}: {agent_name} and {outcome_name.lower()} in a synthetic cohort",
        "container": "Journal of Synthetic Evidence", "year": 1990 + i % 36,
        "volume": str(1 + i % 40), "issue": str(1 + i % 12), "pages": f"{100 + i % 900}-{110 + i % 900}",
        "pmid": str(900_000_000 + i), "doi": f"10.5555/synthetic.{i:0{w}d}",
        **({"registry": trial} if trial else {}),
        "verified": ["title", "year", "doi"], "checked_against": "Synthetic record",
        "reviewed": dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
    }


def review(i: int) -> dict:
    return {
        "id": f"synthetic-review-{i:04d}", "kind": "review", "label": f"Synthetic review {i:04d}",
        "authors": [f"Reviewer{i} R", "Synthson S"], "title": f"Synthetic review {i:04d} of vitamin D studies",
        "container": "Synthetic Reviews", "year": 2000 + i % 26, "url": f"https://example.org/synthetic/review/{i:04d}",
        "note": "A synthetic secondary source that gives design details and PEDro scores.",
    }


def registry(i: int, nct: str) -> dict:
    return {
        "id": f"synthetic-trial-{i:04d}", "kind": "registry", "label": f"Synthetic registry record {nct}",
        "title": f"Synthetic trial {i:04d} (registry record {nct})", "container": "Synthetic trial registry",
        "registry": nct, "verified": ["registry"],
    }


def study(rng: random.Random, i: int, n: int, ctx: dict) -> dict:
    """One study record with interventions, 3-6 findings and sometimes a correction note."""
    w = _width(n)
    own, rev = paper_id(i, n), ctx["review_of"](i)
    design = ctx["designs"][i % len(ctx["designs"])]
    outcomes = rng.sample(ctx["outcomes"], k=rng.randint(1, 3))
    n_initial = rng.randint(12, 900)
    trial = ctx["trial_of"].get(i)
    record: dict = {
        "id": study_id(i, n), "source": own, "details_sources": [own, rev] + ([trial] if trial else []),
        "title": f"Synthetic study {i:0{w}d}",
    }
    if trial:
        record["trial"] = trial
    record |= {"country": rng.choice(COUNTRIES), "design": design["id"],
               "design_detail": f"Synthetic {design['label'].lower()}, single centre, {rng.choice(DURATIONS)} follow-up"}
    if design.get("scored"):
        record["quality"] = {"score": rng.randint(3, 10), "source": rev, "verified": rng.random() < 0.3}
    record |= {
        "n_initial": n_initial, "n_final": n_initial - rng.randint(0, n_initial // 8),
        "population": (f"Synthetic participants with relapsing-remitting MS, mean age {rng.randint(25, 55)} years, "
                       f"{rng.randint(20, 80)}% women, median EDSS {rng.randint(0, 6)}.{rng.choice([0, 5])}; "
                       "recruited from a synthetic outpatient clinic."),
        "interventions": [_intervention(rng, ctx) for _ in range(rng.choice([1, 1, 2]))],
        "comparator": rng.choice(COMPARATORS),
        "outcome_measures": "Synthetic measures: " + ", ".join(ctx["outcome_names"][o] for o in outcomes) + ".",
        "outcomes": outcomes,
        "findings": [_finding(rng, own, rev, rng.choice(outcomes), ctx) for _ in range(rng.randint(3, 6))],
    }
    if rng.random() < 0.15:
        record["notes"] = [{"text": f"Synthetic correction: the review gives {rng.choice(COUNTRIES)} as the country; "
                                    "the paper gives the one above.", "sources": [own], "corrects": rev}]
    record["tags"] = rng.sample(TAGS, k=3)
    if i % 20 == 0:
        record["aliases"] = [f"/synthetic-old/{i}"]
    record["reviewed"] = dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)
    return record


def _intervention(rng: random.Random, ctx: dict) -> dict:
    agent = rng.choice(ctx["agents"])
    return {"name": ctx["agent_names"][agent], "agent": agent, "dose": f"{rng.choice([400, 1000, 4000, 20000])} IU",
            "schedule": rng.choice(SCHEDULES), "duration": rng.choice(DURATIONS)}


def _finding(rng: random.Random, own: str, rev: str, outcome: str, ctx: dict) -> dict:
    text = rng.choice(FINDING_TEMPLATES).format(
        outcome=ctx["outcome_names"][outcome].lower(), a=rng.randint(1, 99), b=rng.randint(0, 9),
        c=rng.randint(1, 99), d=rng.randint(0, 9), p=rng.randint(1, 999))
    finding = {"text": text, "sources": [own] if rng.random() < 0.8 else [own, rev], "outcome": outcome}
    direction = rng.choice(DIRECTIONS)
    return finding | ({"direction": direction} if direction else {})


def topic(rng: random.Random, t: int, studies: list[str], reviews: list[str], ctx: dict) -> dict:
    """A topic with key points and 2-4 conclusions, each naming the studies it rests on."""
    conclusions = []
    for c in range(rng.randint(2, 4)):
        outcome = rng.choice(ctx["outcomes"])
        picked = sorted(rng.sample(studies, k=min(len(studies), rng.randint(3, 10))))
        conclusion = {
            "id": f"synthetic-conclusion-{t:04d}-{c + 1}",
            "statement": f"Synthetic conclusion {t}.{c + 1}: the synthetic agent changes "
                         f"{ctx['outcome_names'][outcome].lower()} in synthetic studies.",
            "plain": "A made-up conclusion for the benchmark.",
            "sources": [rng.choice(reviews)], "intervention": "Synthetic vitamin D",
            "agents": [rng.choice(ctx["agents"])], "comparator": "Placebo", "outcome": outcome,
            "population": "Synthetic adults with MS", "studies": picked,
        }
        if rng.random() < 0.3:
            conclusion["stated_level"] = {"level": "1b", "source": conclusion["sources"][0]}
        conclusions.append(conclusion)
    return {
        "id": f"synthetic-topic-{t:04d}", "title": f"Synthetic topic {t:04d}", "order": t,
        "summary": "A synthetic question area made by the benchmark.",
        "key_points": [{"text": f"Synthetic key point {t}.{k + 1}.", "sources": [rng.choice(reviews)]} for k in range(3)],
        "conclusions": conclusions,
    }


# --- the whole project -----------------------------------------------------------------------

def _copy_repo_records(evidence: Path) -> dict:
    """The level scheme and outcomes of the real project (they are data, not subject matter)."""
    for kind in ("schemes", "outcomes"):
        shutil.copytree(REPO_EVIDENCE / kind, evidence / kind)
    scheme = yaml.safe_load(next((evidence / "schemes").glob("*.yaml")).read_text(encoding="utf-8"))
    (evidence / "sources").mkdir()
    for key in scheme.get("sources", []):  # the scheme cites where it comes from: copy that source too
        shutil.copy(REPO_EVIDENCE / "sources" / f"{key}.yaml", evidence / "sources")
    # The real project's trial registries (its section titles are its own): the synthetic trials
    # have ids of the ClinicalTrials.gov form.
    settings = yaml.safe_load((REPO_EVIDENCE / "site.yaml").read_text(encoding="utf-8"))
    (evidence / "site.yaml").write_text(yaml.safe_dump({"id": "site", "registries": settings["registries"]},
                                                       sort_keys=False), encoding="utf-8")
    outcomes = {}
    for path in sorted((evidence / "outcomes").glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        outcomes[record["id"]] = record["name"]
    # Weight designs like a real evidence base: mostly trials, some cohorts, a few of the rest.
    designs = scheme["designs"]
    weighted = [d for d in designs for _ in range(6 if d.get("scored") else 1)]
    return {"designs": weighted, "outcomes": sorted(outcomes), "outcome_names": outcomes}


def _check_target(root: Path) -> None:
    root = root.resolve()
    if root == ROOT or ROOT in root.parents or root in ROOT.parents:
        raise SystemExit(f"refusing to write synthetic evidence into or above the repository: {root}")


def generate(root: Path, n: int, seed: int = 42) -> Project:
    """Write a complete synthetic project with n studies into root (which must not exist yet)."""
    root = Path(root)
    _check_target(root)
    rng = random.Random(seed)
    evidence = root / "evidence"
    evidence.mkdir(parents=True)
    ctx = _copy_repo_records(evidence)
    ctx["agents"] = [f"synthetic-agent-{c}" for c in "abc"]
    ctx["agent_names"] = {a: f"Synthetic agent {a[-1].upper()}" for a in ctx["agents"]}
    reviews = [f"synthetic-review-{r:04d}" for r in range(1, max(1, n // PAPERS_PER_REVIEW) + 1)]
    ctx["review_of"] = lambda i: reviews[(i - 1) % len(reviews)]
    trials, ctx["trial_of"] = _trials(n)

    records: dict[str, list[tuple[str, dict]]] = {"agents": [], "sources": [], "studies": [], "topics": []}
    for a in ctx["agents"]:
        records["agents"].append(("agent", {"id": a, "name": ctx["agent_names"][a], "also_known_as": [f"{a} (synthetic)"]}))
    records["sources"] += [("source", review(r)) for r in range(1, len(reviews) + 1)]
    records["sources"] += [("source", registry(t, nct)) for t, nct in trials.items()]
    for i in range(1, n + 1):
        trial = ctx["trial_of"].get(i)
        nct = trials.get(int(trial.rsplit("-", 1)[1])) if trial else None
        agent, outcome = rng.choice(ctx["agents"]), rng.choice(ctx["outcomes"])
        records["sources"].append(("source", paper(rng, i, n, nct, ctx["agent_names"][agent], ctx["outcome_names"][outcome])))
        records["studies"].append(("study", study(rng, i, n, ctx)))
    all_studies = [study_id(i, n) for i in range(1, n + 1)]
    for t in range(1, max(2, n // STUDIES_PER_TOPIC) + 1):
        group = all_studies[(t - 1) * STUDIES_PER_TOPIC: t * STUDIES_PER_TOPIC] or all_studies
        records["topics"].append(("topic", topic(rng, t, group, reviews, ctx)))

    for kind, items in records.items():
        folder = evidence / kind
        folder.mkdir(exist_ok=True)
        for schema, data in items:
            (folder / f"{data['id']}.yaml").write_text(_dump(schema, data), encoding="utf-8")
    _write_site(root, n)
    return Project(root, n, len(records["sources"]), len(records["topics"]))


def _trials(n: int) -> tuple[dict[int, str], dict[int, str]]:
    """Registry ids of trials and which study reports which: a third of the studies report a
    registered trial, and every 5th such trial is reported by 2-3 papers."""
    trials, trial_of, i, t = {}, {}, 1, 0
    while i <= n:
        if i % 3:
            i += 1
            continue
        t += 1
        papers = 1 + (t % 3 if t % SHARED_TRIAL_EVERY == 0 else 0)
        trials[t] = f"NCT99{t:06d}"
        for k in range(papers):
            if i + k <= n:
                trial_of[i + k] = f"synthetic-trial-{t:04d}"
        i += papers
    return trials, trial_of


def _write_site(root: Path, n: int) -> None:
    (root / "mkdocs.yml").write_text(mkdocs_config(name=f"Synthetic evidence ({n:,} studies)"), encoding="utf-8")
    content = root / "content"
    for rel, text in content_pages(n).items():
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text(text, encoding="utf-8")
    (content / "assets").mkdir(exist_ok=True)
    shutil.copy(ROOT / "content" / "assets" / "site.css", content / "assets" / "site.css")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python3 bench/synth.py N TARGET_DIR")
    project = generate(Path(sys.argv[2]), int(sys.argv[1]))
    print(f"{project.root}: {project.studies} studies, {project.sources} sources, {project.topics} topics")
