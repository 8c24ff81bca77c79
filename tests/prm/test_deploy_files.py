"""The deployment files agree with each other and with the guide the CI lane executes.

CI cannot run Docker here; the production lane (tests/production/run.py) serves
deploy/nginx.conf, runs the systemd units' commands and every `# step` block of
docs/deployment.md. These checks keep the files it cannot run in line with those it does.
"""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def procfile() -> dict[str, str]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return {
        name: command.strip() for name, _, command in (line.partition(":") for line in lines if line.strip())
    }


def unit_command(name: str) -> str:
    text = (DEPLOY / "systemd" / name).read_text()
    command = re.search(r"^ExecStart=(.+)$", text, flags=re.M)[1]
    words = shlex.split(command.replace("${PRM_VENV}/bin/", ""))
    if "--hostname" in words:  # the instance's name, which the Procfile leaves to Celery
        index = words.index("--hostname")
        del words[index : index + 2]
    return " ".join(words)


def compose_commands() -> dict[str, str]:
    text = (DEPLOY / "compose.yaml").read_text()
    return dict(re.findall(r"^  (\w+):(?:  #.*)?\n(?:    .*\n)*?    command: ([^\[\n].*)$", text, flags=re.M))


def test_systemd_units_run_the_procfile_commands():
    commands = procfile()
    assert unit_command("prm-web@.service") == commands["web"]
    assert unit_command("prm-worker@.service") == commands["worker"]
    assert unit_command("prm-beat.service") == commands["beat"]


def test_compose_and_the_dockerfile_run_the_procfile_commands():
    commands, compose = procfile(), compose_commands()
    for service in ("release", "web", "worker", "beat"):
        assert compose[service] == commands[service], service
    cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), flags=re.M)[1]
    assert " ".join(eval(cmd)) == commands["web"]  # noqa: S307 - a JSON list in our own file
    assert "./nginx.conf:/etc/nginx/templates/prm.conf.template:ro" in (DEPLOY / "compose.yaml").read_text()


def test_the_dockerfile_is_slim_and_runs_as_a_user():
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, flags=re.M)
    assert re.search(r"^USER prm$", text, flags=re.M)
    assert "collectstatic" in text and "requirements.txt" in text and "requirements-dev" not in text


def test_the_guide_has_the_steps_the_lane_runs_in_its_order():
    from tests.production.run import DOC_STEPS, doc_steps

    assert list(doc_steps()) == DOC_STEPS


def test_nginx_conf_is_rendered_with_exactly_the_names_the_guide_lists():
    used = set(re.findall(r"\$\{(\w+)\}", (DEPLOY / "nginx.conf").read_text()))
    from tests.production.run import doc_steps

    listed = set(re.findall(r"\$\{(\w+)\}", doc_steps()["nginx"].split("envsubst", 1)[1].split("<", 1)[0]))
    assert used == listed


def test_every_variable_of_the_environment_file_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    names = re.findall(r"^(\w+)=", (DEPLOY / "prm.env").read_text(), flags=re.M)
    assert names
    missing = [name for name in names if f"`{name}`" not in readme]
    assert not missing, f"add to README's Configuration table: {missing}"
