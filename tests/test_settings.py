"""Settings.check refuses what cannot be served, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings, SettingsError


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), float("-inf"), 0.0, -1.0])
def test_a_time_limit_that_is_not_a_positive_number_is_refused(timeout):
    with pytest.raises(SettingsError, match=r"^the time limit must be a positive number of seconds, not "):
        Settings(store=Path("s"), timeout=timeout).check()


@pytest.mark.parametrize("timeout", [0.001, 30.0, 3600.0])
def test_a_positive_time_limit_is_kept(timeout):
    assert Settings(store=Path("s"), timeout=timeout).check().timeout == timeout


def test_a_negative_memory_limit_is_refused_and_zero_means_none():
    with pytest.raises(SettingsError, match=r"^the memory limit is a number of MiB, or 0 for none, not -1$"):
        Settings(store=Path("s"), max_memory_mib=-1).check()
    assert Settings(store=Path("s"), max_memory_mib=0).check().max_memory_mib == 0
