"""stored(): a saved row's primary key, which SQLModel types as optional."""

import pytest

from backend.core.ids import stored
from backend.projects.models import Project


def test_a_saved_rows_id_passes_through():
    assert stored(Project(id=7, name="p").id) == 7


def test_a_row_never_flushed_has_no_id_to_give():
    with pytest.raises(ValueError, match="never flushed"):
        stored(Project(name="p").id)
