"""Who may curate: the Editor group, the admin's own path, login throttling (django-axes)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.admin_support import make_editor


def test_editor_group_curates_content_but_cannot_manage_users(db):
    perms = set(
        Group.objects.get(name="Editor").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("talks", "change_talk"),
        ("talks", "change_summarypoint"),
        ("talks", "add_event"),
        ("talks", "change_talktranslation"),
        ("talks", "view_historicalsummarypoint"),
    } <= perms
    assert not {p for p in perms if p[0] == "auth"}


def test_editor_sees_talks_and_not_users(client, django_user_model, corpus_db):
    client.force_login(make_editor(django_user_model))
    assert client.get(reverse("admin:talks_talk_changelist")).status_code == 200
    assert client.get(reverse("admin:talks_talk_paste_import")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_admin_lives_under_admin_path_not_admin(client, db):
    assert settings.ADMIN_PATH == "curate/"
    assert reverse("admin:index") == "/en/curate/"
    assert client.get("/en/admin/").status_code == 404
    assert client.get("/en/curate/").status_code == 302  # to the login page


def test_readers_are_sent_to_log_in(client, db):
    response = client.get(reverse("admin:talks_talk_paste_import"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures_with_a_clear_429(client, django_user_model):
    make_editor(django_user_model, "ed", "right-password-1")
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ed", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    locked = client.post(login, {"username": "ed", "password": "wrong"})
    assert locked.status_code == 429 and 'data-testid="locked-out"' in locked.content.decode()
    # Even the right password is refused while locked out.
    again = client.post(login, {"username": "ed", "password": "right-password-1"})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_login_still_works_and_resets_failures(client, django_user_model):
    make_editor(django_user_model, "ed2", "right-password-2")
    login = reverse("admin:login")
    client.post(login, {"username": "ed2", "password": "wrong"})
    response = client.post(
        login, {"username": "ed2", "password": "right-password-2", "next": "/en/curate/"}
    )
    assert response.status_code == 302 and client.get("/en/curate/").status_code == 200
