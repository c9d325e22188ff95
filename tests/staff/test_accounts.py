"""Admins change roles and switch accounts off; the console always keeps an admin."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from consultations.audit import entries
from consultations.db import db
from consultations.staff_models import Role, User
from tests.helpers import make_consultation
from tests.staff.support import make_user, post, sign_in, text_of


def test_admin_changes_a_role_and_it_is_audited(client):
    admin = make_user(Role.ADMIN)
    worker = make_user(Role.YOUTH_WORKER)
    sign_in(client, admin)
    response = post(client, f"/staff/users/{worker.id}", {"role": "officer", "active": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, worker.id).role is Role.OFFICER
    assert any(e.action == "user_role_changed" for e in entries())


def test_a_switched_off_account_is_signed_out_and_cannot_sign_in(app):
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    officer_client, admin_client = app.test_client(), app.test_client()
    sign_in(officer_client, officer)
    assert officer_client.get("/staff/").status_code == 200
    sign_in(admin_client, admin)
    response = post(admin_client, f"/staff/users/{officer.id}", {"role": "officer"})
    assert response.status_code == 303
    # The next request of the switched-off account is treated as signed out. (The test
    # shares one app context between clients, so forget the user Flask-Login cached on g.)
    g.pop("_login_user", None)
    assert officer_client.get("/staff/").status_code in (302, 303)
    refused = sign_in(app.test_client(), officer)
    assert refused.status_code == 401  # refused like a wrong password: nothing to probe
    g.pop("_login_user", None)
    assert "switched off" in text_of(admin_client.get("/staff/users"))


def test_the_last_admin_cannot_be_removed_and_nobody_demotes_themselves(client):
    admin = make_user(Role.ADMIN)
    other = make_user(Role.ADMIN)
    sign_in(client, admin)
    own = post(client, f"/staff/users/{admin.id}", {"role": "officer", "active": "y"})
    assert own.status_code == 422
    assert "your own role" in text_of(own)
    assert post(client, f"/staff/users/{other.id}", {"role": "officer"}).status_code == 303
    db.session.expire_all()
    admins = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True))
    ).all()
    assert [a.id for a in admins] == [admin.id]


def test_unknown_account_and_bad_role_are_plain_errors(client):
    admin = make_user(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    sign_in(client, admin)
    assert post(client, "/staff/users/99999", {"role": "officer"}).status_code == 404
    bad = post(client, f"/staff/users/{officer.id}", {"role": "emperor", "active": "y"})
    assert bad.status_code == 422


def test_youth_worker_switches_the_code_requirement_off_and_on(client):
    worker = make_user(Role.YOUTH_WORKER)
    consultation = make_consultation()
    sign_in(client, worker)
    path = f"/staff/consultations/{consultation.id}/codes/required"
    assert post(client, path, {"required": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(consultation), consultation.id).requires_access_code
    page = text_of(client.get(f"/staff/consultations/{consultation.id}/codes"))
    assert "Let anyone answer, without a code" in page
    assert post(client, path, {"required": "0"}).status_code == 303
    db.session.expire_all()
    assert not db.session.get(type(consultation), consultation.id).requires_access_code
    assert {"codes_required", "codes_not_required"} <= {e.action for e in entries()}


def test_an_admin_adds_an_account_through_the_form_and_it_can_sign_in(app):
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    sign_in(client, admin)
    response = post(
        client,
        "/staff/users",
        {"email": " New.Worker@Council.example ", "role": "youth_worker", "password": "x" * 12},
        page="/staff/users",
    )
    assert response.status_code == 303
    assert response.location == "/staff/users"
    db.session.expire_all()
    created = db.session.scalar(select(User).where(User.email == "new.worker@council.example"))
    assert created is not None and created.role is Role.YOUTH_WORKER
    assert any(e.action == "user_created" and e.object_id == created.id for e in entries())
    g.pop("_login_user", None)
    assert "new.worker@council.example" in text_of(client.get("/staff/users"))
    newcomer = app.test_client()
    assert sign_in(newcomer, created, password="x" * 12).status_code == 303


def test_a_bad_email_or_short_password_is_shown_beside_its_field_and_kept(client):
    sign_in(client, make_user(Role.ADMIN))
    for email in ("not an email", "two@@example.org", "nobody@nowhere"):
        response = post(
            client,
            "/staff/users",
            {"email": email, "role": "officer", "password": "x" * 12},
            page="/staff/users",
        )
        assert response.status_code == 422, email
        html = response.get_data(as_text=True)
        assert '<p class="field-error" id="email-error">Give a valid email address.</p>' in html
        assert f'value="{email}"' in html
    short = post(
        client,
        "/staff/users",
        {"email": "someone@example.org", "role": "officer", "password": "short"},
        page="/staff/users",
    )
    assert short.status_code == 422
    assert "at least 12 characters" in text_of(short)
    assert 'value="someone@example.org"' in short.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "someone@example.org")) is None
