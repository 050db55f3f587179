"""What the app stores, as one typed model per entity: every vocabulary, limit and rule once.

Pure: no Streamlit, no SQLAlchemy. The store validates its writes through these models,
the import format (pathfinder.transfer) is built from them, and widgets take their limits
from the constants here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

StatusName = Literal["not-started", "in-progress", "done", "skipped"]
RatingKind = Literal["skill", "phase"]
CaseStudyStatusName = Literal["draft", "ready", "published"]
Importance = Literal["required", "helpful", "optional"]  # how much a role rests on a skill
STATUSES: tuple[StatusName, ...] = get_args(StatusName)
NOT_STARTED, IN_PROGRESS, DONE, SKIPPED = STATUSES
RATING_KINDS: tuple[RatingKind, ...] = get_args(RatingKind)
CASE_STUDY_STATUSES: tuple[CaseStudyStatusName, ...] = get_args(CaseStudyStatusName)
IMPORTANCES: tuple[Importance, ...] = get_args(Importance)  # most important first

FORMAT = "pathfinder-progress"  # what a progress export says it is
EXPORT_VERSION = 1
MAX_ID_LENGTH = 200
MAX_NOTE_LENGTH = 20_000
MAX_LINKS = 50
MAX_LINK_LENGTH = 2_000
MAX_TITLE_LENGTH = 200
MAX_SECTION_LENGTH = 50_000
MAX_LABEL_LENGTH = 200
# The profile key (issuer, subject) is stored exactly as the identity provider sent it.
MAX_ISSUER_LENGTH = MAX_SUBJECT_LENGTH = 255
MAX_DISPLAY_NAME_LENGTH = 200
MIN_LEVEL, MAX_LEVEL = 1, 5
MAX_HOURS_PER_WEEK = 168.0  # a float: the settings widget mixes it with 0.5 steps


# -- wording ------------------------------------------------------------------------------


def shown(value: Any) -> str:
    """Return value as quoted in a message, cut short if long."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def json_kind(value: Any) -> str:
    """Return what kind of JSON value this is, in words ("text", "a list"...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "an object"


def refusal(problem: str) -> PydanticCustomError:
    """Return the validation error that reports problem as it is (it may contain braces)."""
    return PydanticCustomError("pathfinder", "{problem}", {"problem": problem})


def _reworded(problem: Callable[[Any], str]) -> WrapValidator:
    """Report any failure of the annotated type as one sentence about the value given."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise refusal(problem(value)) from None

    return WrapValidator(validate)


def _one_of(choices: tuple[str, ...]) -> WrapValidator:
    return _reworded(lambda value: f"{shown(value)} is not one of {', '.join(choices)}")


def _between(low: float, high: float, rule: str) -> WrapValidator:
    def problem(value: Any) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return f"must be {rule}, not {json_kind(value)}"
        if isinstance(value, float) and rule.startswith("a whole"):
            return f"{value} is not {rule}"
        return f"{value} is not between {low:g} and {high:g}"

    return _reworded(problem)


def _too_long(error: Any) -> str:
    value, limit = error["input"], error["ctx"]["max_length"]
    if isinstance(value, str):
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    return f"has {len(value):,} entries; at most {limit:,} are allowed"


_PROBLEMS: dict[str, Callable[[Any], str]] = {
    "string_type": lambda e: f"must be text, not {json_kind(e['input'])}",
    "int_type": lambda e: f"must be a whole number, not {json_kind(e['input'])}",
    "tuple_type": lambda e: f"must be a list, not {json_kind(e['input'])}",
    "dict_type": lambda e: f"must be an object, not {json_kind(e['input'])}",
    "model_type": lambda e: f"must be an object, not {json_kind(e['input'])}",
    "too_long": _too_long,
    "missing": lambda e: f"the key {e['loc'][-1]!r} is missing",
    "extra_forbidden": lambda e: f"unexpected key {shown(e['loc'][-1])}",
}
_KEYED_BY_TEXT = {"sections"}  # dict fields: the next part of a path is a key, not a field


def error_path(loc: tuple[int | str, ...]) -> str:
    """Return a pydantic location as people read it: items[3].links[0], sections['problem']."""
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif index and loc[index - 1] in _KEYED_BY_TEXT:
            path += f"[{part!r}]"
        else:
            path += f".{part}" if path else part
    return path


def first_problem(error: ValidationError, *, whole: str) -> str:
    """Return the first problem pydantic found as one sentence naming where it is.

    `whole` names the value itself, for a problem with no path (e.g. "the file").
    """
    detail = error.errors(include_url=False)[0]
    loc = detail["loc"]
    if detail["type"] in {"missing", "extra_forbidden"}:
        loc = loc[:-1]  # the key is named in the problem; the place is its object
    problem = _PROBLEMS.get(detail["type"], lambda e: str(e["msg"]))(detail)
    return f"{error_path(loc) or whole}: {problem}"


# -- constrained values -------------------------------------------------------------------


def _storable(text: str) -> str:
    if "\x00" in text:
        # PostgreSQL text cannot hold NUL; refusing it everywhere keeps both stores alike.
        raise refusal("contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise refusal("contains an invalid character (an unpaired surrogate)") from None
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise refusal("must not be empty")
    return text


def link_problem(link: str) -> str | None:
    """Return why link is not a web link we store or show, or None if it is one."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in link):
        return f"{shown(link)} contains spaces or control characters"
    try:
        parts = urlsplit(link)
        # Only web links: a javascript: or file: link would be dangerous once rendered.
        web = parts.scheme.lower() in {"http", "https"} and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        web = False
    if not web:
        return f"{shown(link)} is not a web link (it must start with http:// or https://)"
    return None


def safe_link(url: object) -> str | None:
    """Return url, trimmed, when it is a web link (http or https with a host), else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    return candidate if link_problem(candidate) is None else None


def _web_link(link: str) -> str:
    problem = link_problem(link)
    if problem is not None:
        raise refusal(problem)
    return link


def _storable_instant(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise refusal(f"{shown(value.isoformat())} has no time zone (add +00:00 for UTC)")
    try:
        # The store keeps UTC; 0001-01-01T00:00+01:00 has no UTC datetime to keep.
        value.astimezone(UTC)
    except OverflowError:
        raise refusal(
            f"{shown(value.isoformat())} is outside the range of dates that can be stored"
        ) from None
    return value


StoredText = Annotated[str, AfterValidator(_storable)]
Id = Annotated[StoredText, Field(max_length=MAX_ID_LENGTH), AfterValidator(_not_blank)]
Note = Annotated[StoredText, Field(max_length=MAX_NOTE_LENGTH)]
WebLink = Annotated[StoredText, Field(max_length=MAX_LINK_LENGTH), AfterValidator(_web_link)]
Title = Annotated[StoredText, Field(max_length=MAX_TITLE_LENGTH), AfterValidator(_not_blank)]
SectionText = Annotated[StoredText, Field(max_length=MAX_SECTION_LENGTH)]
Instant = Annotated[datetime, AfterValidator(_storable_instant)]
Status = Annotated[StatusName, _one_of(STATUSES)]
Kind = Annotated[RatingKind, _one_of(RATING_KINDS)]
CaseStudyStatus = Annotated[CaseStudyStatusName, _one_of(CASE_STUDY_STATUSES)]
LEVEL_RULE = f"a whole number from {MIN_LEVEL} to {MAX_LEVEL}"
Level = Annotated[
    int,
    Field(ge=MIN_LEVEL, le=MAX_LEVEL, description=LEVEL_RULE),
    _between(MIN_LEVEL, MAX_LEVEL, LEVEL_RULE),
]
HoursPerWeek = Annotated[
    float,
    Field(gt=0, le=MAX_HOURS_PER_WEEK, allow_inf_nan=False),
    _between(0, MAX_HOURS_PER_WEEK, "a number"),
]
IssuerOrSubject = Annotated[
    StoredText, Field(max_length=MAX_ISSUER_LENGTH), AfterValidator(_not_blank)
]


# -- entities -----------------------------------------------------------------------------


class Entity(BaseModel):
    """Strict, frozen and closed: a value of the wrong type or an unknown field is refused."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")


class StepProgress(Entity):
    """A plan step's saved state: its status, when it started and ended, a note and links."""

    step_id: Id
    status: Status = NOT_STARTED
    started_at: Instant | None = None
    completed_at: Instant | None = None
    note: Note = ""
    links: tuple[WebLink, ...] = Field((), strict=False, max_length=MAX_LINKS)

    @field_validator("started_at")
    @classmethod
    def _started_only_once_started(cls, value: datetime | None, info: ValidationInfo) -> Any:
        if value is not None and info.data.get("status") == NOT_STARTED:
            raise refusal("a not-started step cannot have a start time")
        return value

    @field_validator("completed_at")
    @classmethod
    def _completed_only_when_done(cls, value: datetime | None, info: ValidationInfo) -> Any:
        if value is not None and info.data.get("status", DONE) != DONE:
            raise refusal("only a done step can have a completion time")
        return value


class Rating(Entity):
    """One self-rating of a skill or a phase; the history keeps every one."""

    kind: Kind
    subject_id: Id
    level: Level
    rated_at: Instant


class Target(Entity):
    """When the person wants to be ready, and how many hours a week they can give."""

    target_date: date | None = None
    hours_per_week: HoursPerWeek | None = None

    def __init__(
        self, target_date: date | None = None, hours_per_week: float | None = None, **other: Any
    ) -> None:
        # Positional too, like the dataclass it replaced: Target(date(2026, 6, 30), 5.0).
        super().__init__(**{"target_date": target_date, "hours_per_week": hours_per_week, **other})


class CaseStudyDraft(Entity):
    """A case study's words: its title, status and text per section."""

    title: Title
    status: CaseStudyStatus = "draft"
    sections: dict[Id, SectionText] = Field(default_factory=dict, strict=False)
    created_at: Instant | None = None
    updated_at: Instant | None = None


class ShareLink(Entity):
    """A read-only link's settings: a label for its owner and an optional expiry."""

    label: Annotated[StoredText, Field(max_length=MAX_LABEL_LENGTH)] = ""
    expires_at: Instant | None = None


class Profile(Entity):
    """One person, keyed exactly by their identity provider's issuer and subject."""

    issuer: IssuerOrSubject
    subject: IssuerOrSubject
    display_name: Annotated[StoredText, Field(max_length=MAX_DISPLAY_NAME_LENGTH)] | None = None


class ImportDocument(Entity):
    """A validated progress export, ready for pathfinder.store.import_profile."""

    version: int
    exported_at: Instant | None = None
    steps: tuple[StepProgress, ...] = Field((), strict=False)
    ratings: tuple[Rating, ...] = Field((), strict=False)
    target: Target | None = None
    case_studies: tuple[CaseStudyDraft, ...] = Field((), strict=False)
