"""The schema the web app's types are generated from (backend/api/client_schema.py)."""

from __future__ import annotations

from backend.api.client_schema import schema


def test_answered_models_list_every_field_as_required_and_sent_ones_keep_defaults():
    spec = schema()
    models = spec["components"]["schemas"]
    # Only ever answered: FastAPI writes every field, defaults included.
    code = models["CodePublic"]
    assert set(code["required"]) == set(code["properties"])
    assert "colour" in code["required"] and "usage" in code["required"]
    # Sent by clients: a field with a default stays optional.
    create = models["AnnotationCreate"]
    assert "unit" in create["properties"] and "unit" not in create["required"]
    assert set(create["required"]) == {"document_id", "start", "end"}
    # The served schema is untouched by the refinement.
    from backend.main import create_app

    served = create_app().openapi()["components"]["schemas"]["CodePublic"]
    assert "colour" not in served.get("required", [])
