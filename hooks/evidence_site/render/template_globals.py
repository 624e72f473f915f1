"""Small functions the templates use to turn ids into words and links."""
from __future__ import annotations

from html import escape

from markupsafe import Markup

from evidence_site.derive.levels import stale, trial_name
from evidence_site.records.evidence_base import EvidenceBase, settings_of
from evidence_site.records.kinds import PAGED
from evidence_site.records.labels import short_label, study_label

DIRECTIONS = {"benefit": "favours the intervention", "no-difference": "no difference",
              "harm": "favours the comparator (harm)", "mixed": "mixed results",
              "conflicting": "conflicting"}



def has_pages(kind: str) -> bool:
    return kind in PAGED


def design_label(scheme, design: str) -> str:
    return next((d.label for d in scheme.designs if d.id == design), design) if scheme else design


def tier_label(scheme, tier: str) -> str:
    return next((t.label for t in scheme.tiers if t.id == tier), tier)


def outcome_name(base: EvidenceBase, key: str) -> str:
    outcome = base.outcomes.get(key)
    return outcome.name if outcome else key


def direction_text(direction: str) -> str:
    return DIRECTIONS.get(direction, direction)


def record_name(base: EvidenceBase, kind: str, key: str) -> str:
    record = base.of(kind)[key]
    if kind == "studies":
        return f"{study_label(base, record)} (study)"
    if kind == "sources":
        return short_label(record)
    return getattr(record, "title", None) or getattr(record, "name", None) or getattr(record, "authority", None) or key


def use_link(base: EvidenceBase, href, use) -> Markup:
    name = escape(record_name(base, use.kind, use.key))
    if use.kind in PAGED:
        return Markup(f'<a href="{href(use.kind, use.key)}">{name}</a>')
    return Markup(f"{name} ({escape(use.kind)})")


def quality_text(scheme, quality) -> str:
    """'<scale> 8/10': the scale's name and maximum come from the scheme (data)."""
    scale = scheme.quality_scale
    return f"{scale.name} {quality.score}/{scale.maximum}"


def design_level(scheme, design: str) -> str:
    """The level a design reaches at best (ignoring quality), for links to the methods table."""
    return next((lv.id for lv in scheme.levels if design in lv.rule.designs), scheme.levels[-1].id)


def trial_scores(trial) -> list[tuple[int, list]]:
    """(score, papers giving it), highest first: how a trial's papers' assessments disagree."""
    scores: dict[int, list] = {}
    for paper in trial.papers:
        if paper.quality is not None:
            scores.setdefault(paper.quality.score, []).append(paper)
    return sorted(scores.items(), reverse=True)


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def evidence_count(result, agent: str | None = None) -> str:
    """'2 trials (120 participants) and 1 observational study (32 people)': never one sum of both.
    For an agent, an observational study counts only the arms that took it, where it gives arms."""
    parts = []
    if result.counted_trials:
        parts.append(f"{_n(len(result.counted_trials), 'trial', 'trials')} ({result.participants} participants)")
    if result.observational:
        people = (sum(t.participants_for(agent) or 0 for t in result.observational) if agent else result.observed)
        parts.append(f"{_n(len(result.observational), 'observational study', 'observational studies')} "
                     f"({people} {'people who took it' if agent else 'people'})")
    return " and ".join(parts) or "no studies"


def count_text(count) -> str:
    """An agent's trials and observational studies, with the people who took the agent."""
    parts = []
    if count.trials:
        parts.append(f"{_n(count.trials, 'trial', 'trials')} with {count.participants} participants")
    if count.observational:
        parts.append(f"{_n(count.observational, 'observational study', 'observational studies')} "
                     f"in which {count.observed} people took it")
    return " and ".join(parts) or "No trials"


def trial_papers(base: EvidenceBase, study) -> list:
    """Other study records reporting the same trial."""
    return [s for s in base.trials.get(study.trial, ()) if s.id != study.id] if study.trial else []


VERDICTS = {"supported": "Supported", "partly-supported": "Partly supported", "contradicted": "Contradicted",
            "no-source-found": "No source found"}


def verdict_label(verdict: str) -> str:
    return VERDICTS.get(verdict, verdict)


def property_label(base: EvidenceBase, key: str) -> str:
    """The label comparison tables give a property, else the id in words."""
    for comparison in base.comparisons.values():
        for row in comparison.rows:
            if row.property == key:
                return row.label
    return key.replace("-", " ").capitalize()


def studies_by_year(base: EvidenceBase) -> list:
    return sorted(base.studies.values(), key=lambda s: (-(base.sources[s.source].year or 0), s.id))


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_word(n: int) -> str:
    """'one' to 'nine' in words, larger numbers in digits (plain-language style)."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def join_words(items, last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' ('or' when last='or')."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1] if items else ""


def in_sentence(name: str) -> str:
    """A name as it reads mid-sentence: 'Fatigue' → 'fatigue', but 'MRI activity' stays."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def trials_text(n: int) -> str:
    return f"{number_word(n)} trial{'' if n == 1 else 's'}"


def result_sources(result) -> list[str]:
    """The sources of the papers behind a computed level, sorted, each once."""
    return sorted({p.source for t in result.trials for p in result.papers(t)})


def trials_found_text(findings, pop: str) -> str:
    """'Tested in <population> only for fatigue, in one trial; no trial has looked at relapses or disability.'
    Computed from an agent's trials (derive/aggregates.py agent_findings); '' when the site names
    no outcome readers ask about."""
    where = f" in {pop}" if pop else ""
    never = join_words([in_sentence(o.name) for o in findings.never_tried], "or")
    tried = findings.tried
    if not tried:
        return f"No trial{where} has looked at {never}." if never else ""
    if len(tried) == 1:
        what = f"{in_sentence(tried[0].outcome.name)}, in {trials_text(len(tried[0].result.counted_trials))}"
    else:
        what = join_words([f"{in_sentence(f.outcome.name)} ({trials_text(len(f.result.counted_trials))})" for f in tried])
    return f"Tested{where}{' only' if never else ''} for {what}" + (f"; no trial has looked at {never}." if never else ".")


def population(base: EvidenceBase) -> str:
    """Who the site's trials studied, as headings name them ('' when evidence/site.yaml says not)."""
    return settings_of(base).population or ""


def found_by_outcome(base: EvidenceBase, study) -> list[tuple[str, str, list]]:
    """(outcome name, direction in words, sources) per outcome a study's findings compare, first
    finding of each outcome, in the order of the findings: the line a study page opens with."""
    seen: dict[str, tuple[str, str, list]] = {}
    for finding in study.findings:
        if finding.direction and finding.outcome and finding.outcome not in seen:
            seen[finding.outcome] = (outcome_name(base, finding.outcome), direction_text(finding.direction),
                                     list(finding.sources))
    return list(seen.values())


GLOBALS = {f.__name__: f for f in (verdict_label, property_label, trial_name, trial_papers, has_pages, tier_label, quality_text,
                                          design_level, trial_scores, evidence_count, count_text, stale, design_label, outcome_name, direction_text, use_link, studies_by_year, record_name,
                                          number_word, join_words, in_sentence, result_sources, trials_found_text, trials_text, population, found_by_outcome)}
