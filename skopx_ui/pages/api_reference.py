"""The public API reference, rendered at build time from the same OpenAPI document the API serves."""

from __future__ import annotations

from typing import Any

import reflex as rx

from backend import routes
from backend.ratelimit import API
from components.public_layout import public_page
from skopx_ui.api.v1.openapi import document

METHOD_COLORS = {"GET": "blue", "POST": "green", "PATCH": "amber", "DELETE": "red"}
EXAMPLE = f"""curl -H "Authorization: Bearer $SKOPX_TOKEN" https://your-skopx-host{routes.API_V1}{routes.V1_PROJECTS}

curl -N -H "Authorization: Bearer $SKOPX_TOKEN" -H "Accept: text/event-stream" \\
     -H "Content-Type: application/json" -d '{{"content": "Summarise this week"}}' \\
     https://your-skopx-host{routes.API_V1}{routes.V1_MESSAGES.replace("{conversation_id}", "$CONVERSATION_ID")}"""


def _schema_name(reference: dict[str, Any]) -> str:
    return reference.get("$ref", "").rsplit("/", 1)[-1]


def _fields(schema_name: str) -> rx.Component:
    schema = document()["components"]["schemas"].get(schema_name, {})
    required = set(schema.get("required", ()))
    rows = []
    for name, spec in schema.get("properties", {}).items():
        kind = spec.get("type") or " or ".join(
            part.get("type", _schema_name(part)) for part in spec.get("anyOf", ()) if part
        )
        if "enum" in spec:
            kind = " | ".join(spec["enum"])
        rows.append(
            rx.table.row(
                rx.table.cell(rx.code(name, size="1")),
                rx.table.cell(rx.text(kind or _schema_name(spec), size="1", color=rx.color("gray", 11))),
                rx.table.cell(rx.text("required" if name in required else "optional", size="1")),
                rx.table.cell(rx.text(spec.get("description", ""), size="1", color=rx.color("gray", 11))),
            )
        )
    return rx.box(
        rx.table.root(rx.table.body(*rows), size="1", variant="ghost", min_width="520px"),
        overflow_x="auto",
        width="100%",
    )


def _operation(method: str, path: str, operation: dict[str, Any]) -> rx.Component:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    success = next(code for code in operation["responses"] if code.startswith("2"))
    answer = operation["responses"][success].get("content", {}).get("application/json", {}).get("schema")
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(method.upper(), color_scheme=METHOD_COLORS[method.upper()], variant="solid"),
                rx.code(
                    f"{routes.API_V1}{path}", size="2", variant="ghost", style={"word_break": "break-all"}
                ),
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.text(operation["summary"], size="2"),
            rx.cond(
                bool(operation["parameters"]),
                rx.text(
                    "Parameters: ",
                    ", ".join(f"{p['name']} ({p['in']})" for p in operation["parameters"]),
                    size="1",
                    color=rx.color("gray", 11),
                ),
            ),
            rx.cond(
                body is not None,
                rx.vstack(
                    rx.text("Body", size="1", weight="bold"), _fields(_schema_name(body or {})), width="100%"
                ),
            ),
            rx.text(
                f"Answers {success}",
                f" with {_schema_name(answer)}" if answer else " with no content",
                "; errors are JSON {code, detail}.",
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="2",
            width="100%",
            align="start",
        ),
        width="100%",
        id=operation["operationId"],
    )


def _operations_by_tag() -> dict[str, list[rx.Component]]:
    grouped: dict[str, list[rx.Component]] = {}
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            grouped.setdefault(operation["tags"][0], []).append(_operation(method, path, operation))
    return grouped


def _intro() -> rx.Component:
    points = (
        "Create a token in Settings → API tokens and send it as Authorization: Bearer skopx_pat_…. A token "
        "acts in its own organization, with the lower of the role you chose for it and your current role.",
        f"Each client, and each token, may make {API.limit} requests a minute. Every answer carries "
        "X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (and the IETF RateLimit headers); "
        "a refusal is 429 with Retry-After.",
        'Errors are JSON: {"code": "not_found", "detail": "a sentence to show"}, with the HTTP status of '
        "the error. Ids of another organization answer 404.",
        "Sending a message answers with the reply; ask for Accept: text/event-stream to receive it as it is "
        "written (events message, delta, then reply).",
    )
    return rx.vstack(
        rx.unordered_list(*(rx.list_item(rx.text(p, size="2", color=rx.color("gray", 11))) for p in points)),
        rx.box(
            rx.el.pre(EXAMPLE, style={"margin": "0", "white_space": "pre-wrap", "word_break": "break-all"}),
            padding="12px",
            border_radius="8px",
            background=rx.color("gray", 3),
            font_size="12px",
            width="100%",
        ),
        rx.link("The OpenAPI 3.1 document", href=routes.API_V1_OPENAPI, size="2"),
        spacing="3",
        width="100%",
        align="start",
    )


def page() -> rx.Component:
    return public_page(
        rx.vstack(
            rx.badge("Developers", variant="soft", radius="full"),
            rx.heading("Skopx API", size="8"),
            rx.text(
                "Projects, tasks and conversations with Claude, for your own scripts.",
                size="3",
                color=rx.color("gray", 11),
            ),
            _intro(),
            *(
                rx.vstack(rx.heading(tag, size="5", as_="h2"), *cards, spacing="3", width="100%")
                for tag, cards in _operations_by_tag().items()
            ),
            spacing="5",
            padding_y="48px",
            align="start",
            max_width="880px",
        )
    )
