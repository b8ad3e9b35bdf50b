"""A small HTTP endpoint for agents and bots: FastAPI in front of a complaint store.

``POST /complaints/{id}/commands`` takes a JSON command and answers with the reply an
agent reads; a refused command answers by the kind of its reasons: 422 for bad input, 409
for a broken rule, 404 for an unknown complaint. The host stamps the time; a request's
``Idempotency-Key`` header becomes the command's id, so that a retried request is
answered from its first outcome. Driven here by FastAPI's TestClient, with no network.

Run it: ``python examples/http_endpoint.py`` (needs the test extra: fastapi, httpx2)
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from complaintflow import Rejection, open_complaint
from complaintflow.agents import handle_json, reply
from complaintflow.stores.memory import MemoryStore

STATUS = {"bad_input": 422, "rule": 409, "not_found": 404}
"""The HTTP status of a rejection, by the kind of its reasons (the first kind that any of
them has, in this order)."""


def status_of(result: object) -> int:
    if not isinstance(result, Rejection):
        return 200
    kinds = {reason.kind.value for reason in result.reasons}
    return next(STATUS[kind] for kind in STATUS if kind in kinds)


def create_app(store: MemoryStore) -> FastAPI:
    app = FastAPI(title="complaints")

    @app.post("/complaints/{complaint_id}")
    def open_one(complaint_id: str) -> JSONResponse:
        opened = open_complaint(complaint_id, at=datetime.now(timezone.utc))
        store.add(opened.complaint, opened.events)
        return JSONResponse(reply(opened), status_code=201)

    @app.post("/complaints/{complaint_id}/commands")
    def command(complaint_id: str, payload: Annotated[Any, Body()],
                idempotency_key: Annotated[str | None, Header()] = None) -> JSONResponse:
        result = handle_json(store, complaint_id, payload,
                             at=lambda: datetime.now(timezone.utc),
                             command_id=idempotency_key)
        return JSONResponse(reply(result), status_code=status_of(result))

    return app


def main() -> None:
    client = TestClient(create_app(MemoryStore()))
    client.post("/complaints/CMP-42")
    for payload, key in [
        ({"command": "verify_customer", "name": "Priya Shah", "callback": "+44 20 7946 0321"},
         "req-1"),
        ({"command": "verify_customer", "name": "Priya Shah", "callback": "+44 20 7946 0321"},
         "req-1"),  # a retry: answered from its receipt
        ({"command": "hear_concern", "txt": "Payroll won't run."}, "req-2"),
        ({"command": "no_more_concerns"}, "req-3"),
        ({"command": "hear_concern", "text": "Payroll won't run."}, "req-4"),
    ]:
        response = client.post("/complaints/CMP-42/commands", json=payload,
                               headers={"Idempotency-Key": key})
        body = response.json()
        detail = (f"duplicate of seq {body['duplicate']['seq']}" if body.get("duplicate")
                  else body["stage"] if body["ok"] else [r["code"] for r in body["reasons"]])
        print(response.status_code, payload["command"], detail)
    missing = client.post("/complaints/CMP-404/commands", json={"command": "apologize"})
    print(missing.status_code, missing.json()["reasons"][0]["code"])


if __name__ == "__main__":
    main()
