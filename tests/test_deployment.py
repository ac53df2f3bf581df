"""docker-compose.yml describes the team deployment (no Docker engine here to run it,
so it is checked structurally) and uses the Elasticsearch version CI tests."""

import re

import yaml

from backend.core.config import Settings
from tests.conftest import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks():
    services = _compose()["services"]
    assert set(services) == {"elasticsearch", "postgres", "backend", "worker"}
    for name in ("elasticsearch", "postgres", "backend"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("backend", "worker"):
        deps = services[name]["depends_on"]
        healthy = "service_healthy"
        assert deps["postgres"]["condition"] == deps["elasticsearch"]["condition"] == healthy
    assert services["worker"]["command"] == ["evidence", "worker"]
    assert "--no-worker" in services["backend"]["command"]


def test_app_settings_are_real_settings():
    env = _compose()["services"]["backend"]["environment"]
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    assert env["SEARCH_ENGINE"] == "elasticsearch"
    assert env["DATABASE_URL"].startswith("postgresql://")


def test_elasticsearch_version_matches_ci_node_and_client():
    image = _compose()["services"]["elasticsearch"]["image"]
    pom = (ROOT / "tests" / "elasticsearch" / "pom.xml").read_text()
    ci_version = re.search(r"<es.version>([\d.]+)</es.version>", pom).group(1)
    assert image.endswith(f":{ci_version}")
    pins = (ROOT / "pyproject.toml").read_text()
    client = re.search(r'"elasticsearch\[async\]==(\d+)\.', pins).group(1)
    assert ci_version.split(".")[0] == client


def test_volumes_declared():
    compose = _compose()
    used = {v.split(":")[0] for s in compose["services"].values() for v in s.get("volumes", [])}
    assert used <= set(compose["volumes"])


def test_image_builds_the_web_app_and_points_the_backend_at_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM node:20" in dockerfile and "npm ci" in dockerfile and "npm run build" in dockerfile
    assert "COPY --from=web /web/dist ./web/dist" in dockerfile
    assert "WEB_DIST=/app/web/dist" in dockerfile
    assert "web/node_modules" in (ROOT / ".dockerignore").read_text()
