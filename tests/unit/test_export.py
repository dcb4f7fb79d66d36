"""The export's guard against CSV injection, one cell at a time."""

from __future__ import annotations

import pytest

from flashticket_core.service_layer.export import neutralise


@pytest.mark.parametrize("cell", ["\tx", "\rx", "=1", "+1", "-1", "@x", "＝1"])
def test_every_trigger_is_neutralised(cell: str) -> None:
    # Titles and descriptions are trimmed before they are stored; the export does not
    # rely on that.
    assert neutralise(cell) == "'" + cell
    assert neutralise("x" + cell) == "x" + cell
