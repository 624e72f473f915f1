"""The record kinds: one YAML file under evidence/<kind>/ is one of these models.

The models are the single description of the data: they validate records, and the JSON
Schemas that editors' IDEs use are generated from them (see schema.py). Cross-record rules
(references resolve, sources have a locator) live in checks.py.
"""
from __future__ import annotations

import datetime as dt
import re
from types import MappingProxyType
from typing import Annotated, Literal, Optional, Union
from urllib.parse import quote

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StrictFloat, StrictInt, Tag

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A registry id's form; which registry it belongs to, and that registry's own pattern, are data
# (evidence/site.yaml registries), checked by check/measures.py.
REGISTRY_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"

Key = Annotated[str, Field(pattern=ID_PATTERN, max_length=80,
                           description="Id of another record: lower-case letters, digits and hyphens")]
Text = Annotated[str, Field(min_length=1, max_length=5000)]
ShortText = Annotated[str, Field(min_length=1, max_length=400)]
Sources = Annotated[list[Key], Field(min_length=1, description="Ids of source records that support this")]
Direction = Literal["benefit", "no-difference", "harm", "mixed"]


class Record(BaseModel):
    """Fields shared by every record."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    id: Key = Field(description="Unique id; must equal the file name without .yaml")


class Reviewed(BaseModel):
    reviewed: Optional[dt.date] = Field(None, description="When an editor last checked this record against its sources")


class Claim(BaseModel):
    """A statement the site asserts, with the sources that support it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    text: Text
    sources: Sources


# --- sources -------------------------------------------------------------------------------

SourceKind = Literal["journal-article", "conference-abstract", "review", "guideline", "drug-label",
                     "registry", "thesis", "report", "book", "web-article", "web-page"]
VerifiableField = Literal["authors", "title", "container", "year", "volume", "issue", "pages",
                          "pmid", "pmcid", "doi", "url", "registry"]


class Source(Record, Reviewed):
    """A citable work: paper, label, guideline, registry record, web page."""

    kind: SourceKind
    label: Optional[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        None, description="Short name for lists, e.g. 'Society guideline 2020'; default 'Surname Year'")
    authors: list[ShortText] = Field(default_factory=list, description="'Surname Initials', in order; end with 'et al.' if incomplete")
    title: Text
    container: Optional[ShortText] = Field(None, description="Journal, publisher or site")
    year: Optional[Annotated[StrictInt, Field(ge=1800, le=2100)]] = None
    volume: Optional[ShortText] = None
    issue: Optional[ShortText] = None
    pages: Optional[ShortText] = None
    pmid: Optional[Annotated[str, Field(pattern=r"^[1-9][0-9]{0,8}$")]] = Field(None, description="PubMed id, digits only")
    pmcid: Optional[Annotated[str, Field(pattern=r"^PMC[0-9]{1,9}$")]] = None
    doi: Optional[Annotated[str, Field(pattern=r"^10\.[0-9]{4,9}/[^\s]+$", max_length=300)]] = Field(None, description="DOI without https://doi.org/")
    url: Optional[Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=500)]] = None
    registry: Optional[Annotated[str, Field(pattern=REGISTRY_ID, max_length=60)]] = Field(
        None, description="Id in a trial registry the site declares (evidence/site.yaml registries)")
    verified: list[VerifiableField] = Field(default_factory=list, description="Fields an editor confirmed against the primary record")
    checked_against: Optional[ShortText] = Field(None, description="Where the verified fields were checked")
    note: Optional[Text] = None
    located: Literal["exact", "title-only"] = Field(
        "exact", description="title-only: the url opens a site, a search or one part of the work, not the work "
                             "itself; readers are told to find it by its title")
    evidence: bool = Field(True, description="False for a work whose claims the site checks but never cites as "
                                             "evidence (a popular article); it may lack a locator")


# --- studies -------------------------------------------------------------------------------

class Quality(BaseModel):
    """A quality score on the scheme's quality scale (its name and maximum are data: quality_scale)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    score: Annotated[StrictInt, Field(ge=0, le=1000, description="Checked against the scale's maximum")]
    source: Key = Field(description="Source that gives the score (the scale's database, a review)")
    verified: bool = Field(False, description="Seen in the scale's own database")


class StatedDesign(BaseModel):
    """The design as a secondary source names it, where it differs from the record's design."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    wording: ShortText = Field(description="The design as the source words it, e.g. 'Retrospective Cohort'")
    source: Key


class Arm(BaseModel):
    """One arm or subgroup of a study: what it received and how many were in it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: ShortText
    agents: list[Key] = Field(default_factory=list, description="Agents this arm received; none for placebo or no treatment")
    n: Optional[Annotated[StrictInt, Field(ge=0, le=10_000_000)]] = None
    sources: Sources


class Intervention(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: ShortText
    agent: Optional[Key] = Field(None, description="Agent record, if the intervention is one")
    dose: Optional[ShortText] = None
    schedule: Optional[ShortText] = None
    duration: Optional[ShortText] = None
    co_interventions: Optional[ShortText] = None


class Finding(Claim):
    direction: Optional[Direction] = Field(None, description="Effect direction for the outcome, if the finding compares")
    outcome: Optional[Key] = Field(None, description="Outcome record this finding measures")


class Note(Claim):
    """An editorial note: a correction of a secondary source, shown to readers."""

    corrects: Optional[Key] = Field(None, description="Source whose statement this note corrects")


UnitName = Annotated[str, Field(min_length=1, max_length=20, description="One of the units of the measure")]


class ArmResult(BaseModel):
    """A measure in one study arm before and after the intervention, as the paper reports it.

    Numbers feed the before/after figure; like every claim they cite where they come from.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    arm: ShortText = Field(description="The arm as the paper names it")
    outcome: Key = Field(description="Outcome record the values belong to")
    measure: Key = Field(description="Measure record (evidence/measures/) the values are of")
    unit: UnitName
    before: Optional[Annotated[float, Field(ge=0, le=2000)]] = Field(None, description="Mean (or median) at baseline")
    after: Optional[Annotated[float, Field(ge=0, le=2000)]] = Field(None, description="Mean (or median) at the end")
    timepoint: Optional[ShortText] = Field(None, description="When 'after' was measured, e.g. '96 weeks'")
    sources: Sources


class Study(Record, Reviewed):
    """One publication's report of a study, as in a review's evidence table."""

    source: Key = Field(description="The publication this record summarises")
    details_sources: Sources = Field(description="Sources for design, country, N, population and methods")
    title: Optional[Text] = Field(None, description="Defaults to the source's title")
    label: Optional[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        None, description="Short name such as 'Hiremath 2009'; defaults to the source's label")
    trial: Optional[Key] = Field(None, description="Shared key of the trial; papers on one trial share it")
    year: Optional[Annotated[StrictInt, Field(ge=1800, le=2100)]] = Field(
        None, description="Year of the paper, where the source is a review standing in for it; default the source's year")
    country: Optional[ShortText] = None
    design: Key = Field(description="Design id from the level scheme (rct, cohort, ...)")
    design_detail: Optional[ShortText] = None
    stated_design: Optional[StatedDesign] = Field(None, description="The design a secondary source states, if it differs")
    quality: Optional[Quality] = None
    n_initial: Optional[Annotated[StrictInt, Field(ge=0, le=10_000_000)]] = None
    n_final: Optional[Annotated[StrictInt, Field(ge=0, le=10_000_000)]] = None
    population: Optional[Text] = None
    interventions: list[Intervention] = Field(default_factory=list)
    arms: list[Arm] = Field(default_factory=list, description="Arms or subgroups with their N, where the paper gives them")
    comparator: Optional[ShortText] = None
    outcome_measures: Optional[Text] = None
    outcomes: list[Key] = Field(default_factory=list, description="Outcome records the study measured")
    findings: list[Finding] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    tags: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list)
    aliases: list[Annotated[str, Field(pattern=r"^/[^\s<>\"'#?\\]*$", max_length=300)]] = Field(
        default_factory=list, description="Old URLs (site-absolute paths) that must redirect here")
    arm_results: list[ArmResult] = Field(default_factory=list, description="A measure per arm, before and after")


# --- topics --------------------------------------------------------------------------------

class StatedLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    level: Annotated[str, Field(min_length=1, max_length=20, description="As the source gives it: '1a', '2', 'conflicting'")]
    source: Key
    quote: Optional[Text] = None
    scale: Optional[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        None, description="The source's own scale when it is not this site's levels, e.g. 'GRADE certainty of "
                          "evidence': the level is then shown beside the computed one, never compared with it")


class WrittenFor(BaseModel):
    """What the computed evidence was when an editor last re-read the hand-written statement."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    level: Optional[Annotated[str, Field(min_length=1, max_length=20)]] = None
    trials: Annotated[StrictInt, Field(ge=0)]
    direction: Optional[Annotated[str, Field(min_length=1, max_length=40)]] = None


class Conclusion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    id: Key
    statement: Text
    plain: Text = Field(description="The statement in plain words")
    sources: Sources
    intervention: ShortText
    agents: list[Key] = Field(default_factory=list)
    comparator: Optional[ShortText] = None
    outcome: Key
    population: Optional[ShortText] = None
    studies: Annotated[list[Key], Field(min_length=1)]
    stated_level: Optional[StatedLevel] = None
    written_for: Optional[WrittenFor] = Field(
        None, description="The computed evidence the statement was last re-read against; set by `evidence-site review`")


class Topic(Record, Reviewed):
    title: ShortText
    order: StrictInt = 100
    summary: Optional[Text] = None
    key_points: list[Claim] = Field(default_factory=list)
    conclusions: list[Conclusion] = Field(default_factory=list)


# --- agents and comparisons ----------------------------------------------------------------

class Property(Claim):
    note: Optional[Text] = None


class Agent(Record, Reviewed):
    name: ShortText
    also_known_as: list[ShortText] = Field(default_factory=list)
    summary: Optional[Claim] = None
    properties: dict[Key, Property] = Field(default_factory=dict)


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    label: ShortText
    property: Optional[Key] = Field(None, description="Agent property shown in this row")
    computed: Optional[Literal["trials", "best-level"]] = Field(None, description="A row computed from study records")
    outcome: Optional[Key] = Field(None, description="For best-level: the outcome")
    not_recorded: list[Key] = Field(default_factory=list, description=(
        "Agents known to have no sourced value for this property: their cell says 'Not recorded on "
        "this site', and check does not warn about it"))


class Comparison(Record, Reviewed):
    title: ShortText
    intro: Optional[Text] = None
    agents: Annotated[list[Key], Field(min_length=2)]
    rows: Annotated[list[Row], Field(min_length=1)]


# --- thresholds, claim checks, outcomes, glossary, level scheme ----------------------------

# A finite cut-off no serum level could exceed: .inf made evidence.json invalid JSON and hid the checker.
Bound = Annotated[StrictFloat, Field(ge=0, le=10_000, allow_inf_nan=False)]


# Where a band lies against the authority's own recommended range, in the order levels rise: the
# checker's summary line counts authorities by it, so readers get one answer before six vocabularies.
BAND_CATEGORIES = ("below", "within", "above", "toxic")
BandCategory = Literal["below", "within", "above", "toxic"]


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    label: ShortText
    category: BandCategory = Field(description=(
        "Where the band lies against the authority's recommended range: below, within, above, or "
        "toxic (a level the source calls toxic)"))
    lower: Optional[Bound] = Field(None, description="Inclusive lower bound")
    upper: Optional[Bound] = Field(None, description="Exclusive upper bound")
    meaning: Optional[Text] = None
    sources: Sources


class ThresholdSet(Record, Reviewed):
    authority: ShortText
    status: Literal["current", "superseded", "no-thresholds"]
    measure: Key = Field(description="Measure record (evidence/measures/) the bands are of")
    unit: UnitName
    order: StrictInt = 100
    summary: Claim
    bands: list[Band] = Field(default_factory=list)


class MeasureUnit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    unit: UnitName
    factor: Annotated[float, Field(gt=0, description="How many of the measure's first (canonical) unit one of "
                                                     "this unit is; 1 for the canonical unit itself")]
    plausible_max: Annotated[float, Field(gt=0, description="Above this a typed result is a typing or unit "
                                                            "mistake, not a level")]


class Explained(BaseModel):
    """Why a number is what it is: cited where a source gives it, else the text says where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    text: Text
    sources: list[Key] = Field(default_factory=list, description="Sources that give the number, if any does")


class CheckerText(BaseModel):
    """What the checker page of a measure says about itself (its title, and what it cannot tell)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    title: ShortText
    description: ShortText = Field(description="The page's meta description, for search engines and link previews")
    limits: Text = Field(description="What comparing a result with cut-offs cannot tell the reader")


class Measure(Record, Reviewed):
    """A lab value: its units and how they convert, so threshold sets and arm results can be compared."""

    name: ShortText = Field(description="As headings and charts name it")
    abbreviation: Annotated[str, Field(min_length=1, max_length=20)] = Field(description="As a lab report writes it")
    description: Optional[Text] = None
    order: StrictInt = 100
    units: Annotated[list[MeasureUnit], Field(min_length=1)] = Field(
        description="The first is canonical (factor 1): charts are drawn in it")
    conversion: Optional[Explained] = Field(None, description="Where the conversion factors come from")
    plausible: Explained = Field(description="Why results above each unit's plausible_max are refused")
    checker: Optional[CheckerText] = Field(None, description="Title and texts of the measure's checker page")
    sources: Sources


class ClaimCheck(Record, Reviewed):
    claimed_in: Key = Field(description="Source where the claim was made")
    quote: Text = Field(description="The claim as worded there")
    verdict: Literal["supported", "partly-supported", "contradicted", "no-source-found"]
    explanation: Text
    sources: Sources
    order: StrictInt = 100


class Outcome(Record):
    name: ShortText
    description: Optional[Text] = None
    order: StrictInt = 100
    patient_important: bool = Field(False, description=(
        "An outcome readers ask about (relapses, disability, how they feel): each agent page names it among "
        "the outcomes no trial of the agent has looked at, when none has"))


# --- questions: what readers ask, answered by conclusions ---------------------------------

class Question(Record, Reviewed):
    """A reader's question in their words, a plain answer, and the conclusions that answer it.

    The level and direction shown beside the answer are computed from those conclusions' studies,
    never typed here."""

    question: ShortText = Field(description="As a reader would ask it, e.g. 'Does it help with relapses?'")
    answer: Text = Field(description="The answer in plain words, in a sentence or two")
    conclusions: list[Key] = Field(default_factory=list, description=(
        "Ids of the topic conclusions that answer it; their levels are shown beside the answer"))
    sources: list[Key] = Field(default_factory=list, description=(
        "Sources of the answer beyond those of its conclusions (needed when it has no conclusions)"))
    agent: Optional[Key] = Field(None, description="Agent whose page has the trials behind the answer")
    measure: Optional[Key] = Field(None, description="Measure whose checker answers the question")
    order: StrictInt = 100


# Python-Markdown's placeholder words: a term equal to one would be wrapped inside the placeholders
# of raw HTML ('\x02wzxhzdk:0\x03'), and every citation and reference list of a hand-written page
# would vanish.
MARKDOWN_INTERNALS = ("wzxhzdk", "klzzwxh", "hzzhzkh")
_TERM = re.compile(r"^[\w().,:;+/%&'\u2019 -]+$")


def _plain_term(term: str) -> str:
    """A glossary term is plain text the abbr syntax can hold ('*[term]: expansion' on one line)."""
    if not _TERM.match(term):
        raise ValueError("is not a plain-text term", "use only letters, digits, spaces and ( ) . , : ; + / % & ' -")
    if not any(ch.isalpha() for ch in term):
        raise ValueError("has no letter", "a term of digits would match inside Markdown's placeholders")
    if set(re.split(r"[\W_]+", term.lower())) & set(MARKDOWN_INTERNALS):
        raise ValueError("contains a word Markdown uses internally", "spell the term differently")
    return term


def _one_line(text: str) -> str:
    if any(ch in text for ch in "\n\r\t\x0b\x0c\x85\u2028\u2029"):
        raise ValueError("is more than one line", "write it on one line, or fold it with '>-'")
    return text


OneLine = Annotated[ShortText, AfterValidator(_one_line)]


# Tags of the union a glossary term's value is (text, or a mapping): not fields, so error messages
# leave them out of a field's path, and a wrong type gets this hint.
UNION_TAGS = MappingProxyType({"plain-expansion": "", "glossary-entry": (
    "write the expansion as text, or a mapping with expansion: and explanation:")})


class GlossaryEntry(BaseModel):
    """A term with a plain-language explanation beside its expansion (what the term means, not
    facts about a disease or a treatment: those need a source, and the glossary cites none)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    expansion: OneLine = Field(description="What the abbreviation stands for")
    explanation: Optional[OneLine] = Field(None, description=(
        "What the term means, in plain words for a reader without medical training"))


class Glossary(Record):
    terms: dict[Annotated[str, Field(min_length=1, max_length=20), AfterValidator(_plain_term)],
                Annotated[Union[Annotated[OneLine, Tag("plain-expansion")], Annotated[GlossaryEntry, Tag("glossary-entry")]],
                          Discriminator(lambda v: "plain-expansion" if isinstance(v, str) else "glossary-entry")]] = Field(
                    description=(
                    "Abbreviation → what it stands for: the expansion alone, or {expansion, explanation}"))

    def entries(self) -> dict[str, GlossaryEntry]:
        """Every term as an entry, whether written as a plain expansion or with an explanation."""
        return {term: value if isinstance(value, GlossaryEntry) else GlossaryEntry(expansion=value)
                for term, value in self.terms.items()}


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Key
    label: ShortText
    description: ShortText


class Design(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Key
    label: ShortText
    scored: bool = Field(False, description="Quality is judged by the scheme's quality scale (randomised trials)")
    trial: bool = Field(False, description="Investigators assigned the intervention: counted as a trial. "
                                           "Other designs are observational and counted as studies, never as trials")


class LevelRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    designs: Annotated[list[Key], Field(min_length=1)]
    quality: Literal["high", "any"] = "any"
    min_trials: Annotated[StrictInt, Field(ge=1)] = 1


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Annotated[str, Field(pattern=r"^[0-9a-z]{1,4}$")]
    tier: Key
    description: ShortText
    rule: LevelRule


class QualityScale(BaseModel):
    """The scale trials are scored on: its name, range and the score a higher-quality trial needs."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: Annotated[str, Field(min_length=1, max_length=60)]
    maximum: Annotated[StrictInt, Field(ge=1, le=1000)]
    threshold: Annotated[StrictInt, Field(ge=0, le=1000)]
    url: Optional[Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=500)]] = None
    source: Optional[Key] = Field(None, description="Source that describes the scale")


class LevelScheme(Record):
    name: ShortText
    sources: Sources
    quality_scale: QualityScale
    tiers: Annotated[list[Tier], Field(min_length=1)]
    designs: Annotated[list[Design], Field(min_length=1)]
    levels: Annotated[list[Level], Field(min_length=1)]


# --- site settings: what the generated sections are called, which registries ids belong to ---

SectionKey = Literal["questions", "topics", "agents", "comparisons", "claims", "map", "studies", "sources", "changes", "data"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    title: ShortText
    description: Optional[ShortText] = Field(None, description="The index page's meta description")
    intro: Optional[Text] = Field(None, description="A paragraph at the top of the index page")


class Registry(BaseModel):
    """A trial registry: which ids are its ids, and where its record of an id is."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    name: ShortText
    pattern: Annotated[str, Field(min_length=2, max_length=200, description="Regular expression an id matches in full")]
    example: Annotated[str, Field(min_length=1, max_length=60, description="One real id, for error messages")]
    url: Annotated[str, Field(pattern=r"^https://[^\s<>\"]*\{id\}[^\s<>\"]*$", max_length=300)] = Field(
        description="Link to the registry's record, with {id} where the id goes")

    def matches(self, registry_id: str) -> bool:
        """Whether the whole id is one of this registry's (a broken pattern matches nothing: the
        check reports it)."""
        try:
            return re.fullmatch(self.pattern, registry_id) is not None
        except re.error:
            return False

    def link(self, registry_id: str) -> str:
        return self.url.replace("{id}", quote(registry_id, safe=""))


class SiteSettings(Record):
    sections: dict[SectionKey, Section] = Field(default_factory=dict,
                                                description="Titles and texts of generated sections")
    registries: list[Registry] = Field(default_factory=list, description="Registries a source's 'registry' id may be of")
    citation_style: Literal["vancouver", "ama"] = Field(
        "vancouver", description="CSL style of every reference list: 'vancouver' (NLM) or 'ama' (AMA Manual of Style)")
    population: Optional[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        None, description="Who the site's trials studied, as a heading names them ('What <population> trials found')")
