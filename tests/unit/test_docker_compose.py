"""The deployment stack in docker-compose.yml is wired together correctly.

No Docker engine is needed: the file is read as YAML and its ${...} references are
resolved the way `docker compose config` resolves them, with the secrets set to the
values in DEPLOYMENT_SECRETS and every other variable left to its default.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"

SALEOR_CORE_SERVICES = ("saleor-migrate", "saleor-api", "saleor-worker", "saleor-scheduler")
MARKETPLACE_SERVICES = ("web", "worker", "beat")
EXPECTED_SERVICES = {
    "db",
    "redis",
    *SALEOR_CORE_SERVICES,
    "saleor-dashboard",
    *MARKETPLACE_SERVICES,
}

# The contract with marketplace/settings.py: what web, worker and beat are deployed with.
MARKETPLACE_SETTINGS_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SALEOR_API_URL",
    "SALEOR_ALLOWED_API_URLS",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
}

# The variables without which `docker compose up` must refuse to start.
DEPLOYMENT_SECRETS = {
    "POSTGRES_PASSWORD": "pg-password-from-deployment",
    "SALEOR_SECRET_KEY": "saleor-secret-from-deployment",
    "SALEOR_RSA_PRIVATE_KEY": "saleor-rsa-key-from-deployment",
    "MARKETPLACE_SECRET_KEY": "marketplace-secret-from-deployment",
    "STRIPE_SECRET_KEY": "stripe-secret-from-deployment",
    "STRIPE_PUBLISHABLE_KEY": "stripe-publishable-key-from-deployment",
    "STRIPE_WEBHOOK_SECRET": "stripe-webhook-secret-from-deployment",
}

_REFERENCE = re.compile(
    r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
)


class MissingVariable(LookupError):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    """Resolve ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
    ${NAME?error}, ${NAME:+alt}, ${NAME+alt} and the $$ escape as Compose does."""

    def substitute(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        value = env.get(name)
        is_set = value is not None
        is_set_and_not_empty = bool(value)
        if op is None:
            return value or ""
        if op == ":-":
            return value if is_set_and_not_empty else arg
        if op == "-":
            return value if is_set else arg
        if op == ":?":
            if not is_set_and_not_empty:
                raise MissingVariable(name)
            return value
        if op == "?":
            if not is_set:
                raise MissingVariable(name)
            return value
        if op == ":+":
            return arg if is_set_and_not_empty else ""
        return arg if is_set else ""  # "+"

    escaped = text.replace("$$", "\0")
    return _REFERENCE.sub(substitute, escaped).replace("\0", "$")


def resolve(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolve(value, env) for key, value in node.items()}
    return node


def all_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from all_strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from all_strings(value)


RAW = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
COMPOSE = resolve(RAW, DEPLOYMENT_SECRETS)
SERVICES = COMPOSE["services"]


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def command_of(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def healthcheck_command(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def published_ports(service: dict) -> list[tuple[str, int]]:
    """(host port, container port) for each published port."""
    ports = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.append((str(entry["published"]), int(entry["target"])))
        else:
            parts = str(entry).split("/")[0].split(":")
            ports.append((parts[-2], int(parts[-1])))
    return ports


def service_behind(url: str) -> tuple[str, dict]:
    host = urlsplit(url).hostname
    assert host in SERVICES, f"{url!r} names host {host!r}, which is no service"
    return host, SERVICES[host]


def dockerfile_path(service: dict) -> Path:
    build = service["build"]
    return REPO_ROOT / build["context"] / build["dockerfile"]


def dockerfile_instruction(dockerfile: Path, instruction: str) -> list[str]:
    values = [
        line.split(None, 1)[1].strip()
        for line in dockerfile.read_text(encoding="utf-8").splitlines()
        if line.strip().upper().startswith(instruction + " ")
    ]
    assert values, f"{dockerfile} has no {instruction}"
    return values


# ---------------------------------------------------------------- the stack as a whole


def test_compose_file_follows_the_compose_specification_without_a_version_key():
    assert "version" not in RAW


def test_every_service_of_the_stack_is_defined():
    assert set(SERVICES) == EXPECTED_SERVICES


def test_every_depends_on_names_a_defined_service():
    for name, service in SERVICES.items():
        for dependency in depends_on(service):
            assert dependency in SERVICES, f"{name} depends on undefined {dependency}"


def test_a_service_waited_on_until_healthy_has_a_healthcheck():
    for name, service in SERVICES.items():
        for dependency, spec in depends_on(service).items():
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], (
                    f"{name} waits for {dependency} to be healthy, which has no healthcheck"
                )


def test_db_and_redis_have_healthchecks_that_probe_the_server():
    assert "pg_isready" in healthcheck_command(SERVICES["db"])
    assert "redis-cli ping" in healthcheck_command(SERVICES["redis"])


def test_published_host_ports_do_not_collide():
    host_ports = [host for service in SERVICES.values() for host, _ in published_ports(service)]

    assert sorted(host_ports) == ["8000", "8080", "9000"]


def test_the_database_and_redis_are_not_published_on_the_host():
    assert published_ports(SERVICES["db"]) == []
    assert published_ports(SERVICES["redis"]) == []


def test_named_volumes_used_by_services_are_declared():
    declared = set(COMPOSE.get("volumes") or {})
    for name, service in SERVICES.items():
        for mount in service.get("volumes") or []:
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount["source"]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name} mounts undeclared volume {source}"

    assert any(m.endswith(":/var/lib/postgresql/data") for m in SERVICES["db"]["volumes"])
    assert any(m.endswith(":/app/media") for m in SERVICES["web"]["volumes"])


# ------------------------------------------------------------------------ secrets


def test_compose_requires_exactly_the_deployment_secrets():
    required = {
        match["name"]
        for text in all_strings(RAW)
        for match in _REFERENCE.finditer(text)
        if match["op"] in (":?", "?")
    }

    assert required == set(DEPLOYMENT_SECRETS)


@pytest.mark.parametrize("secret", sorted(DEPLOYMENT_SECRETS))
def test_compose_refuses_to_resolve_without_each_secret(secret):
    env = {name: value for name, value in DEPLOYMENT_SECRETS.items() if name != secret}

    with pytest.raises(MissingVariable, match=secret):
        resolve(RAW, env)


@pytest.mark.parametrize(
    "service, variable, secret",
    [
        ("web", "SECRET_KEY", "MARKETPLACE_SECRET_KEY"),
        ("web", "STRIPE_SECRET_KEY", "STRIPE_SECRET_KEY"),
        ("web", "STRIPE_PUBLISHABLE_KEY", "STRIPE_PUBLISHABLE_KEY"),
        ("web", "STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET"),
        ("saleor-api", "SECRET_KEY", "SALEOR_SECRET_KEY"),
        ("saleor-api", "RSA_PRIVATE_KEY", "SALEOR_RSA_PRIVATE_KEY"),
        ("db", "POSTGRES_PASSWORD", "POSTGRES_PASSWORD"),
    ],
)
def test_each_secret_comes_only_from_its_deployment_variable(service, variable, secret):
    assert environment(SERVICES[service])[variable] == DEPLOYMENT_SECRETS[secret]
    assert re.fullmatch(
        r"\$\{" + secret + r":\?[^}]+\}", environment(RAW["services"][service])[variable]
    )


def test_the_smtp_password_is_never_a_literal():
    raw_value = environment(RAW["services"]["web"])["EMAIL_HOST_PASSWORD"]

    assert re.fullmatch(r"\$\{EMAIL_HOST_PASSWORD(:?[-?][^}]*)?\}", raw_value)


def test_dockerignore_keeps_secrets_and_git_history_out_of_the_image():
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()

    assert {".env", ".git", ".venv"} <= set(ignored)


# ------------------------------------------------------------------------ Saleor


def test_saleor_core_services_run_one_official_image_pinned_to_3_23():
    images = {SERVICES[name]["image"] for name in SALEOR_CORE_SERVICES}

    assert len(images) == 1, f"Saleor services run different images: {images}"
    assert re.fullmatch(r"ghcr\.io/saleor/saleor:3\.23\.\d+", images.pop())


def test_saleor_dashboard_is_the_official_image_of_the_same_minor_version():
    assert re.fullmatch(
        r"ghcr\.io/saleor/saleor-dashboard:3\.23(\.\d+)?", SERVICES["saleor-dashboard"]["image"]
    )


def test_saleor_api_keeps_the_image_command_after_a_one_shot_migration():
    assert "command" not in SERVICES["saleor-api"]
    assert command_of(SERVICES["saleor-migrate"]) == "python3 manage.py migrate"
    assert SERVICES["saleor-migrate"]["restart"] == "no"
    for name in ("saleor-api", "saleor-worker", "saleor-scheduler"):
        assert depends_on(SERVICES[name])["saleor-migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_saleor_worker_runs_saleors_celery_app():
    assert command_of(SERVICES["saleor-worker"]) == (
        "celery --app saleor.celeryconf:app worker -E --loglevel=info"
    )


def test_saleor_core_services_share_one_environment():
    environments = [environment(SERVICES[name]) for name in SALEOR_CORE_SERVICES]

    assert all(env == environments[0] for env in environments)


def test_saleor_runs_in_production_mode_with_the_settings_that_mode_requires():
    env = environment(SERVICES["saleor-api"])

    assert env["DEBUG"] == "False"
    for variable in ("ALLOWED_CLIENT_HOSTS", "RSA_PRIVATE_KEY", "SECRET_KEY", "PUBLIC_URL"):
        assert env[variable], f"Saleor needs {variable} with DEBUG off"


def test_saleor_may_deliver_webhooks_to_our_app_inside_the_network():
    env = environment(SERVICES["saleor-api"])

    assert env["HTTP_IP_FILTER_ENABLED"] == "False"
    assert env["HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS"] == "False"


def test_saleor_database_url_points_at_the_saleor_database_on_db():
    url = urlsplit(environment(SERVICES["saleor-api"])["DATABASE_URL"])
    db_env = environment(SERVICES["db"])

    _, service = service_behind(url.geturl())
    assert service["image"].startswith("postgres:")
    assert (url.scheme, url.port or 5432, url.path) == ("postgres", 5432, "/saleor")
    assert (url.username, url.password) == (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"])


def test_saleor_cache_and_broker_point_at_the_redis_service():
    env = environment(SERVICES["saleor-api"])
    for variable in ("CACHE_URL", "CELERY_BROKER_URL"):
        url = urlsplit(env[variable])
        _, service = service_behind(url.geturl())

        assert service["image"].startswith("redis:")
        assert (url.scheme, url.port or 6379) == ("redis", 6379)


def test_saleor_accepts_the_host_our_app_calls_it_by():
    allowed = environment(SERVICES["saleor-api"])["ALLOWED_HOSTS"].split(",")
    our_api_host = urlsplit(environment(SERVICES["web"])["SALEOR_API_URL"]).hostname

    assert our_api_host in allowed


def test_dashboard_api_url_is_saleors_public_graphql_endpoint():
    api_url = environment(SERVICES["saleor-dashboard"])["API_URL"]
    public_url = environment(SERVICES["saleor-api"])["PUBLIC_URL"]

    assert api_url.endswith("/graphql/")
    assert api_url == public_url + "graphql/"
    # It is fetched by the officer's browser, which cannot resolve service names.
    assert urlsplit(api_url).hostname not in SERVICES


def test_dashboard_serves_on_nginx_port_80():
    assert [port for _, port in published_ports(SERVICES["saleor-dashboard"])] == [80]


# ------------------------------------------------------------------- the marketplace


def test_web_worker_and_beat_share_exactly_the_settings_environment():
    environments = [environment(SERVICES[name]) for name in MARKETPLACE_SERVICES]

    assert environments[0] == environments[1] == environments[2]
    assert set(environments[0]) == MARKETPLACE_SETTINGS_VARIABLES
    assert environments[0]["DEBUG"] == "false"


def test_web_worker_and_beat_run_one_image_built_from_the_deploy_dockerfile():
    services = [SERVICES[name] for name in MARKETPLACE_SERVICES]

    assert all(service["build"] == services[0]["build"] for service in services)
    assert len({service["image"] for service in services}) == 1
    assert services[0]["build"] == {
        "context": ".",
        "dockerfile": "marketplace/deploy/Dockerfile",
    }
    assert dockerfile_path(services[0]).is_file()


def test_our_database_url_points_at_the_marketplace_database_on_db():
    url = urlsplit(environment(SERVICES["web"])["DATABASE_URL"])
    db_env = environment(SERVICES["db"])

    _, service = service_behind(url.geturl())
    assert service["image"].startswith("postgres:")
    assert (url.scheme, url.port or 5432, url.path) == ("postgres", 5432, "/marketplace")
    assert (url.username, url.password) == (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"])


def test_our_redis_url_points_at_the_redis_service():
    url = urlsplit(environment(SERVICES["web"])["REDIS_URL"])

    _, service = service_behind(url.geturl())
    assert service["image"].startswith("redis:")
    assert (url.scheme, url.port or 6379) == ("redis", 6379)


def test_our_celery_and_saleors_celery_use_different_redis_databases():
    # Both apps use Celery's default queue; on one database each would take the
    # other's tasks.
    ours = urlsplit(environment(SERVICES["web"])["REDIS_URL"]).path
    saleors = urlsplit(environment(SERVICES["saleor-api"])["CELERY_BROKER_URL"]).path

    assert ours != saleors


def test_saleor_api_url_reaches_the_saleor_api_service_on_the_port_it_listens_on():
    url = urlsplit(environment(SERVICES["web"])["SALEOR_API_URL"])

    host, service = service_behind(url.geturl())
    assert host == "saleor-api"
    assert (url.port, url.path) == (8000, "/graphql/")
    assert [port for _, port in published_ports(service)] == [8000]


def test_saleor_allowed_api_urls_are_the_internal_and_the_public_endpoint():
    env = environment(SERVICES["web"])
    public_api_url = environment(SERVICES["saleor-dashboard"])["API_URL"]

    assert env["SALEOR_ALLOWED_API_URLS"].split(",") == [env["SALEOR_API_URL"], public_api_url]


@pytest.mark.parametrize("name", MARKETPLACE_SERVICES)
def test_our_services_wait_for_a_healthy_database_and_redis(name):
    deps = depends_on(SERVICES[name])
    needed = {"redis"} if name == "beat" else {"db", "redis"}

    for dependency in needed:
        assert deps[dependency] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_worker_and_beat_start_after_web_has_migrated(name):
    assert depends_on(SERVICES[name])["web"] == {"condition": "service_healthy"}


def test_web_serves_gunicorn_on_the_port_it_publishes_and_probes():
    web = SERVICES["web"]
    command = command_of(web)

    assert command.startswith("gunicorn marketplace.wsgi:application ")
    assert "--bind 0.0.0.0:8080" in command
    assert published_ports(web) == [("8080", 8080)]
    assert "http://localhost:8080/healthz" in healthcheck_command(web)


def test_web_accepts_the_hosts_of_its_healthcheck_and_of_saleors_webhooks():
    allowed = environment(SERVICES["web"])["ALLOWED_HOSTS"].split(",")

    assert {"localhost", "web"} <= set(allowed)


def test_exactly_one_beat_per_celery_app():
    commands = [command_of(service) for service in SERVICES.values()]

    assert sum("-A marketplace beat" in c for c in commands) == 1
    assert sum("saleor.celeryconf:app beat" in c for c in commands) == 1
    assert not any(re.search(r"\bworker\b.*(\s-B\b|--beat\b)", c) for c in commands)
    assert command_of(SERVICES["worker"]).startswith("celery -A marketplace worker")
    assert "deploy" not in SERVICES["beat"]


# ------------------------------------------------------------ image and database init


def test_the_image_runs_as_a_non_root_user():
    dockerfile = dockerfile_path(SERVICES["web"])

    assert dockerfile_instruction(dockerfile, "USER")[-1] not in {"root", "0"}
    assert dockerfile_instruction(dockerfile, "FROM")[0] == "python:3.11-slim"


def test_the_image_entrypoint_exists_migrates_for_web_and_hands_over_the_command():
    dockerfile = dockerfile_path(SERVICES["web"])
    entrypoint = json.loads(dockerfile_instruction(dockerfile, "ENTRYPOINT")[-1])[0]
    workdir = dockerfile_instruction(dockerfile, "WORKDIR")[-1]

    script = REPO_ROOT / Path(entrypoint).relative_to(workdir)
    assert script.is_file()
    assert os.access(script, os.X_OK)
    text = script.read_text(encoding="utf-8")
    assert "python manage.py migrate --noinput" in text
    assert 'exec "$@"' in text
    assert json.loads(dockerfile_instruction(dockerfile, "CMD")[-1])[0] == "gunicorn"


def test_the_manage_py_the_entrypoint_runs_is_in_the_build_context():
    ignored = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").split()

    assert (REPO_ROOT / "manage.py").is_file()
    assert "manage.py" not in ignored


def _initdb_directory() -> Path:
    for mount in SERVICES["db"]["volumes"]:
        source, target = mount.split(":")[:2]
        if target == "/docker-entrypoint-initdb.d":
            return REPO_ROOT / source
    raise AssertionError("db mounts no /docker-entrypoint-initdb.d")


def _databases_created_on_a_fresh_volume() -> set[str]:
    scripts = "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(_initdb_directory().iterdir())
        if path.suffix in {".sql", ".sh"}
    )
    created = set(re.findall(r"CREATE DATABASE\s+\"?(\w+)\"?", scripts, flags=re.IGNORECASE))
    return created | {environment(SERVICES["db"])["POSTGRES_DB"]}


def test_the_initdb_script_creates_the_marketplace_database():
    assert _initdb_directory().is_dir()
    assert "marketplace" in _databases_created_on_a_fresh_volume()


def test_every_database_a_service_connects_to_exists_on_a_fresh_volume():
    wanted = {
        urlsplit(environment(SERVICES[name])["DATABASE_URL"]).path.lstrip("/")
        for name in ("web", "saleor-api")
    }

    assert wanted == {"marketplace", "saleor"}
    assert wanted <= _databases_created_on_a_fresh_volume()


def test_private_files_have_a_volume_shared_by_web_and_worker_and_stay_out_of_the_image():
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    for service in ("web", "worker"):
        assert "marketplace-private:/app/private-media" in compose["services"][service]["volumes"]
    assert "PRIVATE_MEDIA_ROOT=/app/private-media" in (REPO_ROOT / "marketplace/deploy/Dockerfile").read_text()
    assert "private-media/" in (REPO_ROOT / ".dockerignore").read_text().splitlines()
