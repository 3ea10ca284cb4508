"""/healthz tells a load balancer whether this node can reach its database."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_answers_200_with_json_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "databases": {"default": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, transactional_db):
    unreachable = (
        {"NAME": "/nonexistent-firstask-dir/db.sqlite3"}
        if connection.vendor == "sqlite"
        else {"HOST": "127.0.0.1", "PORT": "1"}  # nothing listens on port 1
    )
    saved = {key: connection.settings_dict.get(key) for key in unreachable}
    connection.close()
    connection.settings_dict.update(unreachable)
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "databases": {"default": "unavailable"}}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_only_answers_get(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
