"""Papers of one trial must agree: a disagreement is a warning naming both files."""
from __future__ import annotations

from evidence_site.errors import EvidenceError
from evidence_site.records.evidence_base import EvidenceBase, group_trials


def trial_warnings(base: EvidenceBase) -> list[EvidenceError]:
    """Papers of one trial that disagree on PEDro score, initial N or design: a warning naming both files."""
    if not _designs_known(base):
        return []  # the scheme or design errors say what is wrong; comparing unknown designs adds noise
    out = []
    for key, papers in sorted(group_trials(list(base.studies.values())).items()):
        for label, value, field_name in (("PEDro score", lambda s: s.pedro.score if s.pedro else None, "pedro"),
                                         ("initial N", lambda s: s.n_initial, "n_initial"),
                                         ("design", lambda s: s.design, "design")):
            given = [(p, value(p)) for p in papers if value(p) is not None]
            if len({v for _, v in given}) > 1:
                (first, v1), (other, v2) = given[0], next((p, v) for p, v in given if v != given[0][1])
                file, line = base.where("studies", other.id, (field_name,))
                out.append(EvidenceError(file, line, field_name,
                                         f"{label} {v2} differs from {v1} in {base.file_of('studies', first.id)}, "
                                         f"a paper on the same trial '{key}'",
                                         "papers on one trial should agree; the lower PEDro and larger N are used",
                                         warning=True))
    return out


def _designs_known(base: EvidenceBase) -> bool:
    """One level scheme, and every study's design is one of its designs."""
    if len(base.of("schemes")) != 1:
        return False
    designs = {d.id for d in base.scheme.designs}
    return all(study.design in designs for study in base.studies.values())
