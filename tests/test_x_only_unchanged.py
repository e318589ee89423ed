"""A hub with no ``networks:`` anywhere builds byte-identical pages to those chathub built before
it knew Bluesky and Mastodon (the golden files in tests/data/x-only-hub-site, written by
tests/golden.py from that code)."""

from __future__ import annotations

import golden
import pytest


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("CHATHUB_NOW", golden.NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", golden.EPOCH)
    return golden.chathub_files(golden.build(tmp_path))


def test_x_only_hub_builds_the_same_bytes_as_before(built):
    expected = {p.relative_to(golden.EXPECTED).as_posix(): p.read_bytes()
                for p in sorted(golden.EXPECTED.rglob("*")) if p.is_file()}
    assert sorted(built) == sorted(expected)
    changed = [name for name in expected if built[name] != expected[name]]
    assert not changed, f"these pages changed: {changed}"
