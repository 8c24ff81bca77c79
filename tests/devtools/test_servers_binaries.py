"""`make run` prefers the system's PostgreSQL and redis-server, keeps a data folder on the
major version that created it, and falls back to the bundled servers."""

from pathlib import Path

import pytest

from devtools import servers


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    monkeypatch.setattr(servers, "PG_DIR", tmp_path / "postgres")
    servers.pg_binaries.cache_clear()
    servers.redis_binary.cache_clear()
    yield tmp_path
    servers.pg_binaries.cache_clear()
    servers.redis_binary.cache_clear()


def _fake_server(root: Path, major: str) -> Path:
    bin_dir = root / "lib" / major / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("pg_ctl", "initdb"):
        (bin_dir / name).write_text("")
    postgres = bin_dir / "postgres"
    postgres.write_text(f"#!/bin/sh\necho 'postgres (PostgreSQL) {major}.3 (Debian)'\n")
    postgres.chmod(0o755)
    return bin_dir


def test_a_new_data_folder_uses_the_systems_postgresql(fresh, monkeypatch):
    system = _fake_server(fresh, "15")
    monkeypatch.setattr(servers, "_system_pg_dirs", lambda: [system])
    monkeypatch.setattr(servers, "_bundled_pg_dir", lambda: _fake_server(fresh / "bundled", "16"))
    assert servers.pg_binaries() == (system, "system", "15.3")


def test_an_existing_folder_keeps_its_major_version(fresh, monkeypatch):
    system = _fake_server(fresh, "15")
    bundled = _fake_server(fresh / "bundled", "16")
    monkeypatch.setattr(servers, "_system_pg_dirs", lambda: [system])
    monkeypatch.setattr(servers, "_bundled_pg_dir", lambda: bundled)
    (fresh / "postgres").mkdir()
    (fresh / "postgres" / "PG_VERSION").write_text("16\n")
    assert servers.pg_binaries() == (bundled, "bundled", "16.3")


def test_without_a_matching_server_it_says_what_to_do(fresh, monkeypatch):
    monkeypatch.setattr(servers, "_system_pg_dirs", lambda: [_fake_server(fresh, "15")])
    monkeypatch.setattr(servers, "_bundled_pg_dir", lambda: None)
    (fresh / "postgres").mkdir()
    (fresh / "postgres" / "PG_VERSION").write_text("16\n")
    with pytest.raises(servers.ServiceError, match=r"created by PostgreSQL 16.*make clean"):
        servers.pg_binaries()


def test_the_bundled_servers_can_be_forced(fresh, monkeypatch):
    bundled = _fake_server(fresh / "bundled", "16")
    monkeypatch.setattr(servers, "_system_pg_dirs", lambda: [_fake_server(fresh, "15")])
    monkeypatch.setattr(servers, "_bundled_pg_dir", lambda: bundled)
    monkeypatch.setenv("PRM_EMBEDDED_BINARIES", "bundled")
    assert servers.pg_binaries()[1] == "bundled"
    assert servers.redis_binary()[1] == "bundled"


def test_the_system_redis_server_is_preferred(fresh, monkeypatch):
    monkeypatch.setattr(servers.shutil, "which", lambda name: "/usr/bin/redis-server")
    monkeypatch.setattr(servers.subprocess, "run", _fake_run("Redis server v=7.0.15 sha=0"))
    assert servers.redis_binary() == ("/usr/bin/redis-server", "system", "7.0.15")


def _fake_run(stdout):
    class Done:
        def __init__(self):
            self.stdout = stdout

    return lambda *args, **kwargs: Done()
