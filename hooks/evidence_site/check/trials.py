"""Papers of one trial must agree: a disagreement is a warning naming both files. A quality
score must lie on the scheme's scale, whose maximum is data."""
from __future__ import annotations

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase, group_trials


def trial_warnings(base: EvidenceBase) -> list[EvidenceError]:
    """Papers of one trial that disagree on quality score, initial N or design: a warning naming both files."""
    if not _designs_known(base):
        return []  # the scheme or design errors say what is wrong; comparing unknown designs adds noise
    out = []
    name = base.scheme.quality_scale.name
    shared = [(key, papers) for key, papers in group_trials(list(base.studies.values())).items() if len(papers) > 1]
    for key, papers in sorted(shared):  # a trial of one paper cannot disagree with itself
        for label, value, field_name in ((f"{name} score", lambda s: s.quality.score if s.quality else None, "quality"),
                                         ("initial N", lambda s: s.n_initial, "n_initial"),
                                         ("design", lambda s: s.design, "design")):
            given = [(p, value(p)) for p in papers if value(p) is not None]
            if len({v for _, v in given}) > 1:
                (first, v1), (other, v2) = given[0], next((p, v) for p, v in given if v != given[0][1])
                file, line = base.where("studies", other.id, (field_name,))
                out.append(EvidenceError(file, line, field_name,
                                         f"{label} {v2} differs from {v1} in {base.file_of('studies', first.id)}, "
                                         f"a paper on the same trial '{key}'",
                                         "papers on one trial should agree; the trial uses one score for every "
                                         "paper (a verified one, else the lowest) and the larger N",
                                         warning=True))
    return out


def quality_problems(base: EvidenceBase) -> list[EvidenceError]:
    """A quality score within the scheme's scale (the scale is data, so the model cannot know its maximum)."""
    if len(base.of("schemes")) != 1:
        return []
    scale, out = base.scheme.quality_scale, []
    for key, study in base.studies.items():
        if study.quality is not None and study.quality.score > scale.maximum:
            file, line = base.where("studies", key, ("quality", "score"))
            out.append(EvidenceError(file, line, "quality.score",
                                     f"{study.quality.score} is above the maximum of the {scale.name} scale",
                                     f"{scale.name} scores run from 0 to {scale.maximum}"))
    return out


def _designs_known(base: EvidenceBase) -> bool:
    """One level scheme, and every study's design is one of its designs."""
    if len(base.of("schemes")) != 1:
        return False
    designs = {d.id for d in base.scheme.designs}
    return all(study.design in designs for study in base.studies.values())
