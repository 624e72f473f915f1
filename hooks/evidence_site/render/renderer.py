"""Render the evidence base into Markdown pages: {src_uri: Page}.

Text from records is data: templates autoescape it and place it only inside raw HTML blocks,
which Markdown passes through untouched, so nothing in a record can become markup or a link.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from functools import cached_property, partial
from html import escape
from typing import Callable
from urllib.parse import quote, urlencode, urljoin

import jinja2
from markupsafe import Markup

from evidence_site.derive.aggregates import (
    agent_conclusions,
    agent_findings,
    agent_studies,
    best_level,
    by_outcome,
    conclusion_topics,
    intervention_rows,
    outcomes_in_order,
    question_results,
    trial_count,
)
from evidence_site.derive.history import changes
from evidence_site.derive.levels import LevelResult, compute, compute_studies, level_rank, stale
from evidence_site.derive.trials import Trial, resolve_trials, trial_key
from evidence_site.records.evidence_base import EvidenceBase, settings_of
from evidence_site.records.labels import short_label, study_label
from evidence_site.records.models import Section
from evidence_site.records.references import Use, citing_records
from evidence_site.render.csl import ReferenceStyle, reference_style
from evidence_site.render.links import link, page_path, url_of
from evidence_site.render.checker import checker_src
from evidence_site.render.measure_pages import reader_pages
from evidence_site.render.metadata import FILES, SCHEMA_VERSION, citation_meta, study_jsonld
from evidence_site.render.reference_list import References, attribute_text
from evidence_site.render.template_globals import (
    GLOBALS,
    VERDICTS,
    count_text,
    population,
    result_sources,
    trials_found_text,
)

# Titles of generated sections a site does not name in evidence/site.yaml (sections:).
DEFAULT_TITLES = {"questions": "Common questions", "topics": "Topics and levels of evidence", "agents": "Agents", "comparisons": "Comparisons",
                  "claims": "Claims checked", "map": "Evidence map", "studies": "Studies", "sources": "Sources",
                  "changes": "What changed", "data": "Open data"}


@dataclass(frozen=True)
class SiteLinks:
    """Where 'Edit this record' and 'Report a problem' point (from the site's repository)."""

    edit_root: str   # e.g. https://github.com/owner/repo/edit/main/
    issues: str      # e.g. https://github.com/owner/repo/issues/new

    def actions(self, record_file: str, title: str) -> str:
        """The "Edit this record" and "Report a problem" links of a record's page."""
        query = urlencode({"template": "wrong.yml", "title": f"Problem with {record_file}",
                           "record": record_file, "page": title})
        return _ACTIONS.render(edit=self.edit_root + quote(record_file), report=f"{self.issues}?{query}")


@dataclass(frozen=True)
class Page:
    """A generated page: its Markdown and the record file an editor changes to change it."""

    src: str
    markdown: str
    title: str
    record_file: str | None = None


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("evidence_site", "render/templates"), autoescape=True,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    auto_reload=False,  # templates ship with the package: no stat() of the template file per page
)
_ENV.globals.update(GLOBALS)
_ACTIONS = _ENV.get_template("partials/record_actions.html.j2")
# Record text in a line Markdown parses (a heading): no link, emphasis or {: attr} can form.
_ENV.filters["result_sources"] = result_sources
_ENV.filters["inert"] = lambda text: Markup(attribute_text(str(text)))


def render_partial(name: str, **context: object) -> str:
    """An HTML fragment from render/templates/partials/ (context autoescaped)."""
    return _ENV.get_template(f"partials/{name}").render(**context)


# Material's search `boost` for topic and agent pages: a search for a topic's or an agent's name
# lists its own page before the study titles that mention it.
ANSWER_PAGE_BOOST = 4


def front_matter(title: str, **extra: object) -> str:
    """YAML front matter written as JSON values, so no record text can break out of it."""
    lines = [f"title: {json.dumps(escape(title))}"]
    # Material prints the title, tags and description into the page unescaped: escape them here
    # (a description can come from a record: a measure's checker, a section in evidence/site.yaml).
    lines += [f"{key}: {json.dumps(_escaped(value) if key in ('tags', 'description') else value)}"
              for key, value in extra.items() if value]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return escape(value)
    return [_escaped(item) for item in value] if isinstance(value, (list, tuple)) else value


class Renderer:
    """Renders every page of one evidence base."""

    def __init__(self, base: EvidenceBase, directory_urls: bool = True, page_uses: dict | None = None,
                 links: SiteLinks | None = None, history: dict | None = None, site_url: str | None = None):
        self.base, self.directory_urls, self.links, self.history = base, directory_urls, links, history or {}
        self.site_url, self._page_uses = site_url, page_uses or {}
        self._memo = base.memo  # read here, not per page: under serve a page's reads are its dependencies

    @cached_property
    def uses(self) -> dict[str, list[Use]]:
        """source id → what cites it: records, then hand-written pages (computed when first needed)."""
        uses = dict(citing_records(self.base))  # a copy: citing_records keeps its result for the next build
        for src, (title, keys) in sorted(self._page_uses.items()):
            for key in keys:
                uses[key] = uses.get(key, []) + [Use("pages", src, (title,))]
        return uses

    @cached_property
    def trials(self) -> dict[str, Trial]:
        """trial key → the trial resolved once from all its papers; every page reads these."""
        return resolve_trials(self.base)

    def trial_of(self, study) -> Trial:
        return self.trials[trial_key(study)]

    @cached_property
    def levels(self) -> dict[str, LevelResult]:
        """conclusion id → its computed level (computed when first needed)."""
        return {c.id: compute(self.base, c, self.trials) for t in self.base.topics.values() for c in t.conclusions}

    def has_section(self, key: str) -> bool:
        """Whether the site has this section's index page: a kind's section only when it has records.

        Asked each time rather than kept, so that under `serve` a page that links to a section
        depends on that kind's records (the first claim record adds the link to the claims page)."""
        records = {"questions": "questions", "topics": "topics", "agents": "agents", "comparisons": "comparisons", "claims": "claims",
                   "map": "studies", "studies": "studies", "sources": "sources"}.get(key)
        return records is None or bool(getattr(self.base, records))

    def section(self, key: str) -> Section:
        return settings_of(self.base).sections.get(key) or Section(title=DEFAULT_TITLES[key])

    def page(self, template: str, src: str, title: str, record: tuple[str, str] | None = None,
             meta: dict | None = None, **context: object) -> Page:
        style = reference_style(self._memo, settings_of(self.base))
        refs = self._references(src, style)
        html = _ENV.get_template(template).render(title=title, **self._template_context(src, refs), **context)
        record_file = self.base.file_of(*record) if record else None
        if record_file and self.links:
            html += "\n" + self.links.actions(record_file, title)
        return Page(src, front_matter(title, **(meta or {})) + html, title, record_file)

    def _references(self, src: str, style: ReferenceStyle) -> References:
        """The reference list of the page at src (under `serve` it reuses the previous render's entries)."""
        return References(self.base.sources, src, style, self.directory_urls)

    def _href(self, src: str) -> Callable[..., str]:
        def href(kind: str, key: str | None = None, anchor: str = "") -> str:
            return link(src, page_path(kind, key), self.directory_urls, anchor)
        return href

    def _href_page(self, src: str) -> Callable[..., str]:
        return lambda target, anchor="": link(src, target, self.directory_urls, anchor)

    def study(self, key: str) -> Page:
        study = self.base.studies[key]
        title = study.title or self.base.sources[study.source].title
        source = self.base.sources[study.source]
        # The tags are listed at the end of the page: above it their chips pushed what it found off a phone's screen.
        meta: dict = {"tags": list(study.tags), "hide": ["tags"] if study.tags else []}
        if source.evidence and source.kind != "review":  # the paper itself, not a review standing in for it
            page_url = urljoin(self.site_url, url_of(page_path("studies", key))) if self.site_url else ""
            settings = settings_of(self.base)
            item = reference_style(self._memo, settings).item(source)
            # Kept for the same records (records/memo.kept): under `serve` every rebuild that
            # renders the overviews asks for the metadata of 10,000 study pages it then reuses.
            meta.update(self._memo.kept("study meta", (page_url,), (source, study, item, settings), lambda: {
                "citation_meta": citation_meta(item, study),
                "jsonld": study_jsonld(source, study, page_url, settings.registries)}))
        return self.page("study.md.j2", page_path("studies", key), title, ("studies", key), meta,
                         study=study, source=source, scheme=self.base.scheme, trial=self.trial_of(study))

    def source(self, key: str) -> Page:
        src = self.base.sources[key]
        return self.page("source.md.j2", page_path("sources", key), src.title, ("sources", key),
                         source=src, uses=self.uses.get(key, []))

    def index(self, kind: str, template: str, **context: object) -> Page:
        """A section's index page, titled and introduced as evidence/site.yaml says."""
        section = self.section(kind)
        meta = {"description": section.description} if section.description else None
        return self.page(template, page_path(kind), section.title, meta=meta, section=section, **context)

    def topic(self, key: str) -> Page:
        topic = self.base.topics[key]
        levels = {c.id: self.levels[c.id] for c in topic.conclusions}
        return self.page("topic.md.j2", page_path("topics", key), topic.title, ("topics", key),
                         {"search": {"boost": ANSWER_PAGE_BOOST}}, topic=topic, levels=levels)

    def topics_index(self) -> Page:
        topics = sorted(self.base.topics.values(), key=lambda t: (t.order, t.title))
        overview = sorted(((t, c, self.levels[c.id]) for t in topics for c in t.conclusions),
                          key=lambda row: (level_rank(row[2]), row[0].order, row[1].id))
        return self.index("topics", "topics_index.md.j2", topics=topics, overview=overview, level_rank=level_rank)

    def agent(self, key: str) -> Page:
        agent = self.base.agents[key]
        studies = sorted(agent_studies(self.base, key), key=lambda s: s.id)
        return self.page("agent.md.j2", page_path("agents", key), agent.name, ("agents", key),
                         {"search": {"boost": ANSWER_PAGE_BOOST}}, agent=agent,
                         studies=studies, count=trial_count(self.base, studies, key, self.trials), levels=self.levels,
                         conclusions=agent_conclusions(self.base, key),
                         findings=agent_findings(self.base, key, self.trials))

    def question_views(self) -> list[dict]:
        """Each reader's question with its computed levels, in order: for the questions page and
        the home page's marker."""
        base, views = self.base, []
        topics = conclusion_topics(base)
        for q in sorted(base.questions.values(), key=lambda q: (q.order, q.id)):
            results = question_results(base, q, self.levels)
            sources = list(dict.fromkeys([s for c, _ in results for s in c.sources] + list(q.sources)))
            agent = base.agents.get(q.agent) if q.agent and self.has_section("agents") else None
            findings = agent_findings(base, agent.id, self.trials) if agent else None
            measure = base.measures.get(q.measure) if q.measure else None
            views.append({
                "question": q, "results": results, "sources": sources, "topics": topics,
                "labels": {c.id: ", ".join(base.agents[a].name for a in c.agents if a in base.agents) or c.intervention
                           for c, _ in results},
                "several_interventions": len({tuple(c.agents) or c.intervention for c, _ in results}) > 1,
                "findings": findings, "gaps": trials_found_text(findings, population(base)) if findings else "",
                "stale": any(c.written_for is None or stale(c, r) for c, r in results),
                "agent": agent, "checker": checker_src(base, measure) if measure else None,
                "checker_title": (measure.checker.title if measure.checker else f"{measure.name} checker") if measure else "",
            })
        return views

    def questions_index(self) -> Page:
        return self.index("questions", "questions_index.md.j2", questions=self.question_views())

    def marker_context(self, template: str) -> dict | None:
        """What a marker's fragment in a hand-written page needs, or None when the site has nothing for it."""
        if template == "levels_table.md.j2":
            return {"scheme": self.base.scheme} if self.base.scheme is not None else None
        if template == "questions_home.md.j2":
            return {"questions": self.question_views()} if self.base.questions else None
        return None

    def agents_index(self) -> Page:
        pop = population(self.base)
        summaries = {}
        for key in self.base.agents:  # (the computed sentence, the sources of the trials it counts)
            findings = agent_findings(self.base, key, self.trials)
            summaries[key] = (trials_found_text(findings, pop),
                              sorted({s for f in findings.tried for s in result_sources(f.result)}))
        return self.index("agents", "agents_index.md.j2", summaries=summaries)

    def comparison(self, key: str) -> Page:
        comparison = self.base.comparisons[key]
        agents = [self.base.agents[a] for a in comparison.agents]
        src = page_path("comparisons", key)
        rows = [{"label": row.label, "computed": row.computed,
                 "cells": [self.cell(src, row, agent) for agent in agents]} for row in comparison.rows]
        return self.page("comparison.md.j2", src, comparison.title, ("comparisons", key),
                         {"hide": ["toc", "navigation"]}, comparison=comparison, agents=agents, rows=rows)

    def cell(self, src: str, row, agent) -> dict:
        """One comparison cell: its HTML and the sources it cites (none for an empty cell)."""
        if row.property:
            prop = agent.properties.get(row.property)
            if prop is None:
                return {"agent": agent.name, "html": "Not recorded on this site", "sources": []}
            note = Markup(f'<br><span class="property-note">Note: {escape(prop.note)}</span>') if prop.note else ""
            return {"agent": agent.name, "html": Markup(escape(prop.text)) + note, "sources": list(prop.sources)}
        studies = agent_studies(self.base, agent.id)
        more = link(src, page_path("agents", agent.id), self.directory_urls, "agent-studies")
        if row.computed == "trials":
            count = trial_count(self.base, studies, agent.id, self.trials)
            if not count.trials and not count.observational:
                return {"agent": agent.name, "html": "None recorded on this site", "sources": []}
            text = count_text(count) if count.trials else "No trials; " + count_text(count)
            return {"agent": agent.name, "html": Markup(f'<a href="{more}">{escape(text)}</a>'),
                    "sources": sorted({s.source for s in studies})}
        result = best_level(self.base, studies, row.outcome, self.trials)
        if result is None:
            return {"agent": agent.name, "html": "No study on this site measured this", "sources": []}
        return {"agent": agent.name, "agent_id": agent.id, "result": result, "more": more,
                "sources": sorted({p.source for t in result.trials for p in result.papers(t)})}

    def claims_index(self) -> Page:
        claims = sorted(self.base.claims.values(), key=lambda c: (c.order, c.id))
        groups: dict[str, list] = {}
        for claim in claims:
            groups.setdefault(claim.claimed_in, []).append(claim)
        counts = [(v, sum(1 for c in claims if c.verdict == v)) for v in VERDICTS]
        return self.index("claims", "claims_index.md.j2", groups=sorted(groups.items()), verdict_counts=[c for c in counts if c[1]])

    def evidence_map(self) -> Page:
        outcomes = outcomes_in_order(self.base)
        rows = []
        for row_id, label, studies in intervention_rows(self.base):
            cells = []
            measured = by_outcome(studies)
            for outcome in outcomes:
                relevant = sorted(measured.get(outcome.id, ()), key=lambda s: s.id)
                result = compute_studies(self.base, relevant, outcome.id, trials=self.trials) if relevant else None
                cells.append({"outcome": outcome.name, "result": result, "studies": relevant})
            agent = row_id[len("agent-"):] if row_id.startswith("agent-") else None
            rows.append({"label": label, "agent": agent, "cells": cells})
        section = self.section("map")
        meta = {"hide": ["toc", "navigation"], **({"description": section.description} if section.description else {})}
        return self.page("evidence_map.md.j2", page_path("map"), section.title, None, meta,
                         section=section, outcomes=outcomes, rows=rows)

    def data_index(self) -> Page:
        src = page_path("data")
        return self.index("data", "data_index.md.j2", files=FILES, schema_version=SCHEMA_VERSION,
                          file_href=lambda path: posixpath.relpath(path, posixpath.dirname(src)))

    def fragment(self, template: str, src: str, refs: References, **context: object) -> str:
        """A piece of HTML for a hand-written page, citing into that page's reference list."""
        return _ENV.get_template(template).render(**self._template_context(src, refs), **context)

    def _template_context(self, src: str, refs: References) -> dict:
        """What every template of a page at src may call: its citations, links, labels."""
        return dict(base=self.base, refs=refs, cite=refs.cite, href=self._href(src), href_page=self._href_page(src),
                    has_section=self.has_section, reference=refs.reference, piece=partial(self.piece, refs),
                    label=lambda key: short_label(self.base.sources[key]),
                    study_label=lambda study: study_label(self.base, study), trial_of=self.trial_of)

    def piece(self, refs: References, name: str, *inputs: object, caller: Callable[[], str]) -> str:
        """A part of a page that is made the same way many times over (a row of a table of every
        study), as `{% call piece(name, *inputs) %}...{% endcall %}`: here simply its text. Under
        `serve` (serve/render_memo.py) the previous render's text of the same part is reused while
        its inputs are the same objects, no record it read changed and its citations still get
        the same numbers. So inputs name every object the part reads that is not read from `base`
        (a study, its trial, a computed level)."""
        return caller()

    def paths(self) -> list[str]:
        """The path of every page all() makes, without making them (for the site's path registry)."""
        return [src for src, _ in self._specs()]

    def all(self) -> dict[str, Page]:
        """Every page."""
        return self.make_pages(self._specs())

    def make_pages(self, specs: list[tuple[str, Callable[[], Page]]]) -> dict[str, Page]:
        """{path: make()} for each spec. A subclass may keep an earlier page for a path instead,
        without its context even being computed (serve/render_memo.py)."""
        made = {src: make() for src, make in specs}
        assert all(src == page.src for src, page in made.items()), "a page spec names another path than its page"
        return made

    def _specs(self) -> list[tuple[str, Callable[[], Page]]]:
        """(path, function making the page) for every generated page."""
        def changes_page() -> Page:
            return self.index("changes", "changes_index.md.j2",
                              entries=changes(self.base, self.history), has_history=bool(self.history))

        specs = [(page_path("studies", k), partial(self.study, k)) for k in self.base.studies]
        specs += [(page_path("sources", k), partial(self.source, k)) for k in self.base.sources]
        specs += [(page_path("topics", k), partial(self.topic, k)) for k in self.base.topics]
        specs += [(page_path("agents", k), partial(self.agent, k)) for k in self.base.agents]
        specs += [(page_path("comparisons", k), partial(self.comparison, k)) for k in self.base.comparisons]
        indexes = {"questions": self.questions_index, "topics": self.topics_index, "agents": self.agents_index,
                   "comparisons": partial(self.index, "comparisons", "comparisons_index.md.j2"),
                   "claims": self.claims_index, "map": self.evidence_map, "data": self.data_index,
                   "changes": changes_page, "studies": partial(self.index, "studies", "studies_index.md.j2"),
                   "sources": partial(self.index, "sources", "sources_index.md.j2")}
        specs += [(page_path(key), make) for key, make in indexes.items() if self.has_section(key)]
        specs += reader_pages(self)
        return specs


def render_site(base: EvidenceBase, directory_urls: bool = True, page_uses: dict | None = None,
                links: SiteLinks | None = None, history: dict | None = None, site_url: str | None = None
                ) -> dict[str, Page]:
    """Every generated page of the site; page_uses adds hand-written pages to the backlinks."""
    return Renderer(base, directory_urls, page_uses, links, history, site_url).all()
