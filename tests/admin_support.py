"""Helpers for the admin tests: an editor user, and the POST data a change form would send."""

from __future__ import annotations

from django.contrib.auth.models import Group


def make_editor(django_user_model, username: str = "editor", password: str = "pw-editor-123"):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", password, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def _value(bound) -> str | list:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def _hidden_initials(form) -> dict:
    """The ``initial-<field>`` inputs Django renders for fields with a callable default (JSON fields)."""
    return {
        form.add_initial_prefix(name): _value(form[name])
        for name, field in form.fields.items()
        if field.show_hidden_initial
    }


def change_form_data(response) -> dict:
    """Every field of an admin change form (main form and inline formsets) as the browser sends it."""
    form = response.context["adminform"].form
    data = {name: _value(form[name]) for name in form.fields} | _hidden_initials(form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                value = _value(sub[name])
                if value != "":
                    data[sub.add_prefix(name)] = value
            data |= _hidden_initials(sub)
    return {
        k: v for k, v in data.items() if v != "" or k.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))
    }
