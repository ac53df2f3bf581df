"""Answering with a model the route built itself, without FastAPI checking it again."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def rendered(model: BaseModel) -> Response:
    """The model as the JSON body FastAPI would send for it.

    FastAPI checks a returned model against the route's `response_model` once more
    (dump, validate, dump): 2 ms for a page of 20 search hits, a tenth of what
    Elasticsearch takes to find them. A route whose answer is built only of models
    that validated their fields when made may skip that; its `response_model` still
    documents the shape (and the API checks hold the answers to it)."""
    return Response(model.model_dump_json(by_alias=True), media_type="application/json")
