"""Fixtures for the admin tests (the project-wide ones are in the root conftest.py)."""

from __future__ import annotations

import pytest

from tests.admin_support import make_editor


@pytest.fixture
def editor(client, django_user_model, corpus_db):
    """A member of the "Editor" group, logged in on ``client``."""
    user = make_editor(django_user_model)
    client.force_login(user)
    return user
