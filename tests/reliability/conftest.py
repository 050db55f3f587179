"""Reliability fixtures: a forking writer process shared by the crash and concurrency tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.harness import Zygote


@pytest.fixture(scope="session")
def zygote() -> Iterator[Zygote]:
    """Yield a pre-imported process that forks store writers for this test session."""
    process = Zygote()
    yield process
    process.close()
