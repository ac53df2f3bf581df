"""Settings read from the environment: the Elasticsearch cluster's."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from backend.core.config import Settings
from search.factory import make_engine


async def test_cluster_settings_reach_the_engine(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ELASTICSEARCH_URL", "https://es1.example:9200,https://es2.example:9200")
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "aWQ6c2VjcmV0")
    monkeypatch.setenv("ELASTICSEARCH_SHARDS", "3")
    monkeypatch.setenv("ELASTICSEARCH_REPLICAS", "1")
    settings = Settings(evidence_data_dir=tmp_path)
    assert "aWQ6c2VjcmV0" not in repr(settings)  # a secret, never logged
    options = settings.elasticsearch_options()
    assert options == {"api_key": "aWQ6c2VjcmV0", "ca_certs": None, "shards": 3, "replicas": 1}
    engine = make_engine(
        "elasticsearch",
        elasticsearch_url=settings.elasticsearch_url,
        elasticsearch_options=options,
    )
    assert engine.settings["number_of_shards"] == 3  # type: ignore[attr-defined]
    assert len(engine.client.transport.node_pool.all()) == 2  # type: ignore[attr-defined]
    await engine.close()


def test_an_index_without_shards_is_refused(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ELASTICSEARCH_SHARDS", "0")
    with pytest.raises(ValidationError, match="elasticsearch_shards"):
        Settings(evidence_data_dir=tmp_path)
