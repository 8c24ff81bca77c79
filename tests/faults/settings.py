"""Settings for the fault-injection worker and driver (tests/faults/run.py): the project's
settings plus a spool e-mail backend that several processes can count, a short broker
visibility timeout (so a message of a SIGKILLed worker is redelivered within seconds
instead of an hour), and the kill hooks of tests/faults/hooks.py."""

from devtools.servers import use_embedded_servers

use_embedded_servers()  # the clone's embedded servers (run.py starts them), as manage.py does

from prm.settings import *  # noqa: E402, F403

EMAIL_BACKEND = "tests.faults.hooks.SpoolEmailBackend"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3}
CELERY_TASK_ALWAYS_EAGER = False

from tests.faults import hooks  # noqa: E402

hooks.install()
