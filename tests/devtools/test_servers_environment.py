"""The development entry points set the servers' URLs; prm/settings.py only reads them."""

import os

import environ
import pytest

from devtools import servers

URLS = ("DATABASE_URL", "DATABASE_URL_FILE", "REDIS_URL", "REDIS_URL_FILE", "CELERY_BROKER_URL", "CACHE_URL")


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No URL given, and an env file of our own (not the checkout's `.env`)."""
    for name in URLS:
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / "prm.env"
    env_file.write_text("")
    monkeypatch.setenv("PRM_ENV_FILE", str(env_file))
    return env_file


def test_the_database_url_reaches_the_embedded_server_without_persistent_connections():
    config = environ.Env.db_url_config(servers.database_url())
    embedded = servers.postgres_settings()
    assert (config["HOST"], config["NAME"], config["USER"]) == (embedded["HOST"], "prm", "postgres")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["CONN_MAX_AGE"] == 0


def test_with_debug_on_both_urls_point_at_the_embedded_servers(bare_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    servers.use_embedded_servers()
    assert os.environ["DATABASE_URL"] == servers.database_url()
    assert os.environ["REDIS_URL"] == servers.redis_url()


def test_debug_may_come_from_the_env_file_as_the_settings_read_it(bare_env, monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    bare_env.write_text("DJANGO_DEBUG=true\n")
    servers.use_embedded_servers()
    assert os.environ["DATABASE_URL"] == servers.database_url()


def test_with_debug_off_nothing_is_started_or_set(bare_env, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    servers.use_embedded_servers()
    assert not any(name in os.environ for name in URLS)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ({"DATABASE_URL": "postgres://prm:secret@db.internal/prm"}, "DATABASE_URL"),
        ({"DATABASE_URL_FILE": "/run/secrets/database_url"}, "DATABASE_URL"),
        ({"REDIS_URL": "redis://redis.internal:6379/0"}, "REDIS_URL"),
        ({"CELERY_BROKER_URL": "redis://broker/0", "CACHE_URL": "redis://cache/0"}, "REDIS_URL"),
    ],
)
def test_a_given_url_is_never_replaced(bare_env, monkeypatch, given, kept):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    servers.use_embedded_servers()
    assert os.environ.get(kept) == given.get(kept)
    for name, value in given.items():
        assert os.environ[name] == value
