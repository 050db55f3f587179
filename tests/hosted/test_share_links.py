"""Share links in the store: random tokens, stored hashed, refused when revoked or expired."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from pathfinder import store
from pathfinder.store.share_links import hash_token
from tests.hosted.conftest import dump

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def test_token_carries_at_least_128_random_bits(engine: Engine, profile_id: int) -> None:
    """Tokens are 43 url-safe characters (256 bits) and never repeat."""
    tokens = {store.create_share_link(engine, profile_id, "mentor")[1] for _ in range(20)}
    assert len(tokens) == 20
    assert all(len(t) == 43 for t in tokens)  # 43 * 6 bits >= 256 > 128


def test_valid_token_opens_the_owners_profile(engine: Engine, profile_id: int) -> None:
    """A fresh token resolves to its owner's profile and label."""
    store.ensure_profile(engine, "https://idp.example", "someone-else")
    link_id, token = store.create_share_link(engine, profile_id, "recruiter")
    grant = store.resolve_share_token(engine, token)
    assert grant is not None
    assert (grant.link_id, grant.profile_id, grant.label) == (link_id, profile_id, "recruiter")


@pytest.mark.parametrize("case", ["revoked", "expired", "altered", "unknown", "empty", "huge"])
def test_unusable_tokens_resolve_to_nothing(engine: Engine, profile_id: int, case: str) -> None:
    """Revoked, expired, altered, unknown and malformed tokens all resolve to None alike."""
    link_id, token = store.create_share_link(
        engine, profile_id, "mentor", expires_at=NOW + dt.timedelta(days=1), now=NOW
    )
    at = NOW
    if case == "revoked":
        assert store.revoke_share_link(engine, profile_id, link_id, now=NOW)
    elif case == "expired":
        at = NOW + dt.timedelta(days=1, seconds=1)
    elif case == "altered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "unknown":
        token = "A" * 43
    elif case == "empty":
        token = ""
    else:
        token = token * 1000
    assert store.resolve_share_token(engine, token, now=at) is None


def test_only_the_owner_can_revoke(engine: Engine, profile_id: int) -> None:
    """Another profile cannot revoke someone else's link; the link keeps working."""
    other = store.ensure_profile(engine, "https://idp.example", "b")
    link_id, token = store.create_share_link(engine, profile_id, "mentor")
    assert not store.revoke_share_link(engine, other, link_id)
    assert store.resolve_share_token(engine, token) is not None
    assert store.list_share_links(engine, other).empty


def test_past_expiry_is_refused(engine: Engine, profile_id: int) -> None:
    """An expiry in the past is refused with InvalidInput and no link is made."""
    with pytest.raises(store.InvalidInput):
        store.create_share_link(
            engine, profile_id, "mentor", expires_at=NOW - dt.timedelta(seconds=1), now=NOW
        )
    assert store.list_share_links(engine, profile_id).empty


def test_database_dump_holds_no_raw_token(engine: Engine, profile_id: int) -> None:
    """Every row of every table, as text, contains the token's hash but never the token."""
    _link_id, token = store.create_share_link(engine, profile_id, "mentor")
    grant = store.resolve_share_token(engine, token)
    assert grant is not None
    store.record_share_use(engine, grant.link_id)
    text = repr(dump(engine))
    assert token not in text
    assert hash_token(token) in text


def test_listing_shows_state_but_no_secret(engine: Engine, profile_id: int) -> None:
    """The owner's list has label, dates and last use, and no token or hash column."""
    link_id, token = store.create_share_link(engine, profile_id, "mentor", now=NOW)
    store.record_share_use(engine, link_id, now=NOW + dt.timedelta(hours=1))
    store.revoke_share_link(engine, profile_id, link_id, now=NOW + dt.timedelta(hours=2))
    links = store.list_share_links(engine, profile_id)
    assert list(links.columns) == [
        "id",
        "label",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    row = links.iloc[0]
    assert row["label"] == "mentor"
    assert row["last_used_at"] == NOW + dt.timedelta(hours=1)
    assert row["revoked_at"] == NOW + dt.timedelta(hours=2)
    assert token not in repr(links.to_dict())


def test_only_shared_case_studies_are_listed_for_viewers(engine: Engine, profile_id: int) -> None:
    """shared_case_studies returns the owner's studies marked shared, nobody else's."""
    other = store.ensure_profile(engine, "https://idp.example", "b")
    private = store.create_case_study(engine, profile_id, "Private", {})
    shared = store.create_case_study(engine, profile_id, "Shared", {})
    theirs = store.create_case_study(engine, other, "Theirs", {})
    store.set_case_study_shared(engine, profile_id, shared, True)
    store.set_case_study_shared(engine, other, theirs, True)
    assert store.shared_case_studies(engine, profile_id)["title"].tolist() == ["Shared"]
    with pytest.raises(store.CaseStudyNotFound):
        store.set_case_study_shared(engine, profile_id, theirs, False)
    assert store.get_case_study(engine, profile_id, private).shared is False
