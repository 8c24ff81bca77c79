"""Development tools, never part of a deployment: the embedded PostgreSQL and Redis
(`servers`), the `make run` supervisor (`run`), the demo logins and the `seed_demo` command
(`logins`, `management/`), the scale seed (`scaleseed`) and set-based inserts (`seeding`).

The top layer (pyproject.toml): devtools may import every app, nothing imports devtools.
Settings do not either: development entry points call `servers.use_embedded_servers()`,
which sets DATABASE_URL and REDIS_URL before Django reads its settings.
"""
