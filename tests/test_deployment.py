"""docker-compose.yml describes the team deployment (no Docker engine here to run it,
so it is checked structurally) and uses the Elasticsearch version CI tests."""

import ipaddress
import re

import yaml

from backend.core.config import Settings
from tests.conftest import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_and_health_checks():
    services = _compose()["services"]
    cluster = {"es01", "es02", "es03"}  # --profile cluster only
    assert set(services) == {"elasticsearch", "postgres", "backend", "worker", "proxy"} | cluster
    for name in ("elasticsearch", "postgres", "backend"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("backend", "worker"):
        deps = services[name]["depends_on"]
        healthy = "service_healthy"
        assert deps["postgres"]["condition"] == deps["elasticsearch"]["condition"] == healthy
    assert services["worker"]["command"] == ["evidence", "worker"]
    assert "--no-worker" in services["backend"]["command"]


def test_browsers_reach_the_backend_only_through_the_https_proxy():
    """The backend publishes no port; the proxy does, and is the one address whose
    forwarded headers the backend believes, so cookies are Secure and HSTS is sent."""
    compose = _compose()
    services = compose["services"]
    assert "ports" not in services["backend"] and "ports" not in services["worker"]
    assert any(p.endswith(":443") for p in services["proxy"]["ports"])
    proxy_ip = services["proxy"]["networks"]["default"]["ipv4_address"]
    env = services["backend"]["environment"]
    assert env["TRUSTED_PROXIES"] == proxy_ip and env["SECURE_COOKIES"] == "true"
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(proxy_ip) in ipaddress.ip_network(subnet)
    mount = next(v for v in services["proxy"]["volumes"] if "Caddyfile" in v)
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    assert "reverse_proxy backend:8000" in caddyfile and "flush_interval -1" in caddyfile


def test_app_settings_are_real_settings():
    env = _compose()["services"]["backend"]["environment"]
    fields = {name.upper() for name in Settings.model_fields}
    assert set(env) <= fields, set(env) - fields
    assert env["SEARCH_ENGINE"] == "elasticsearch"
    assert env["DATABASE_URL"].startswith("postgresql://")


def test_cluster_profile_is_three_nodes_that_find_each_other():
    services = _compose()["services"]
    nodes = {n: services[n] for n in ("es01", "es02", "es03")}
    image = services["elasticsearch"]["image"]
    volumes = set()
    for name, node in nodes.items():
        env = node["environment"]
        assert node["profiles"] == ["cluster"] and node["image"] == image
        assert env["node.name"] == name and env["cluster.name"] == "evidence-cluster"
        assert set(env["discovery.seed_hosts"].split(",")) == set(nodes) - {name}
        assert set(env["cluster.initial_master_nodes"].split(",")) == set(nodes)
        assert "ports" not in node and "green" in " ".join(node["healthcheck"]["test"])
        volumes.add(node["volumes"][0].split(":")[0])
    assert len(volumes) == 3  # each node its own data
    # The app reaches the cluster and lays the index out for it from the environment.
    env = services["backend"]["environment"]
    assert env["ELASTICSEARCH_URL"].startswith("${ELASTICSEARCH_URL:-")
    assert env["ELASTICSEARCH_SHARDS"] == "${ELASTICSEARCH_SHARDS:-1}"
    assert env["ELASTICSEARCH_REPLICAS"] == "${ELASTICSEARCH_REPLICAS:-0}"


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
    mounts = [v.split(":")[0] for s in compose["services"].values() for v in s.get("volumes", [])]
    used = {m for m in mounts if not m.startswith((".", "/"))}  # named volumes, not files
    assert all((ROOT / m).exists() for m in mounts if m.startswith("./"))
    assert used <= set(compose["volumes"])


def test_image_builds_the_web_app_and_points_the_backend_at_it():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM node:20" in dockerfile and "npm ci" in dockerfile and "npm run build" in dockerfile
    assert "COPY --from=web /web/dist ./web/dist" in dockerfile
    assert "WEB_DIST=/app/web/dist" in dockerfile
    # `evidence backup`/`restore` on PostgreSQL need pg_dump/pg_restore of the server's major
    # version (15, as CI and the compose file's server): Debian 12's client.
    assert "FROM python:3.11-slim-bookworm" in dockerfile and "postgresql-client" in dockerfile
    assert _compose()["services"]["postgres"]["image"] == "postgres:15"
    assert "web/node_modules" in (ROOT / ".dockerignore").read_text()
