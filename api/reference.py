"""The API's reference, read from its OpenAPI schema: the operations grouped by tag, each
with its scopes, parameters, request body fields and responses, for the documentation page
(templates/api/docs.html). Built from the schema rather than written by hand, so a new
endpoint appears on the page without editing the template.
"""

import functools
import http
import re
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "put", "post", "patch", "delete")
# drf-spectacular lists an enum's values in its description as "* `value` - Label".
ENUM_LINE = re.compile(r"^\* `([^`]+)` - (.+)$")
# Larger bounds than any real value (a record id's 2**63 - 1) say nothing to a reader.
MEANINGLESS_BOUND = 2**31


@functools.cache
def openapi_schema() -> dict:
    """The schema /api/v1/schema/ serves, generated once per process."""
    return SchemaGenerator().get_schema(request=None, public=True)


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str
    values: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Response:
    status: str
    meaning: str
    content_type: str
    body: str  # the component schema's name ("Referral"), "list of Appointment", or ""
    anchor: str  # the id of that schema's table on the page


@dataclass
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    description: list[SafeString]
    scopes: list[str]
    parameters: list[Field]
    body: list[Field]
    responses: list[Response]


@dataclass
class Tag:
    name: str
    title: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Reference:
    title: str
    description: list[SafeString]
    tags: list[Tag]
    schemas: dict[str, list[Field]]  # response bodies named by the operations, by name
    token_url: str
    scopes: dict[str, str]


def prose(text: str) -> list[SafeString]:
    """Paragraphs of a description, escaped, with `code` marked as code."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return [_with_code(p) for p in paragraphs]


def _with_code(paragraph: str) -> SafeString:
    """The paragraph escaped, each `quoted` part as <code> (split: odd pieces are code)."""
    pieces = re.split(r"`([^`]+)`", paragraph)
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<code>{}</code>", piece) if i % 2 else piece,)
            for i, piece in enumerate(pieces)
        ),
    )


class _Reader:
    def __init__(self, schema: dict):
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})
        self.bodies: dict[str, list[Field]] = {}

    def resolve(self, node: dict) -> tuple[str, dict]:
        """(component name or "", the schema) for a node that may be a $ref or allOf of one."""
        if "allOf" in node and len(node["allOf"]) == 1:
            name, inner = self.resolve(node["allOf"][0])
            return name, {**inner, **{k: v for k, v in node.items() if k != "allOf"}}
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return name, self.components.get(name, {})
        return "", node

    def type_of(self, node: dict) -> str:
        _name, node = self.resolve(node)
        kind = node.get("type", "object")
        if kind == "array":
            words = [f"list of {self.type_of(node.get('items', {}))}"]
            if "maxItems" in node:
                words.append(f"at most {node['maxItems']}")
        else:
            words = [kind + (f" ({node['format']})" if node.get("format") else "")]
        if "enum" in node:
            words = ["one of the values listed"]
        if node.get("minLength"):
            words.append(f"at least {node['minLength']} character(s)")
        if "maxLength" in node:
            words.append(f"at most {node['maxLength']} characters")
        if "maximum" in node and node["maximum"] < MEANINGLESS_BOUND:
            words.append(f"at most {node['maximum']}")
        if node.get("nullable"):
            words.append("or null")
        if "default" in node:
            words.append(f"default {str(node['default']).lower()}")
        return ", ".join(words)

    def field(self, name: str, node: dict, required: bool) -> Field:
        _ref, resolved = self.resolve(node)
        values, notes = [], []
        for line in (resolved.get("description") or "").splitlines():
            match = ENUM_LINE.match(line.strip())
            if match:
                values.append(match.groups())
            elif line.strip():
                notes.append(line.strip())
        if "enum" in resolved and not values:
            values = [(str(v), "") for v in resolved["enum"]]
        description = node.get("description") or " ".join(notes)
        return Field(name, self.type_of(node), required, description, values)

    def fields(self, node: dict, prefix: str = "") -> list[Field]:
        """Every property, nested objects' own as `parent.child`, lists' as `parent[].child`."""
        _name, node = self.resolve(node)
        required = set(node.get("required", []))
        found = []
        for name, prop in node.get("properties", {}).items():
            full = prefix + name
            found.append(self.field(full, prop, name in required))
            _ref, inner = self.resolve(prop)
            if inner.get("type") == "array":
                _ref, inner = self.resolve(inner.get("items", {}))
                full += "[]"
            if inner.get("properties"):
                found += self.fields(inner, full + ".")
        return found

    def response(self, status: str, answer: dict) -> Response:
        content_type, media = next(iter(answer.get("content", {}).items()), ("", {}))
        node = media.get("schema", {})
        listed = node.get("type") == "array"
        name, _schema = self.resolve(node.get("items", {}) if listed else node)
        if name:
            self.bodies.setdefault(name, self.fields({"$ref": f"#/components/schemas/{name}"}))
        meaning = answer.get("description") or http.HTTPStatus(int(status)).phrase
        body = f"list of {name}" if listed and name else name
        return Response(status, meaning, content_type, body, f"schema-{name}" if name else "")

    def operation(self, path: str, method: str, op: dict) -> Operation:
        body_node = next(iter(op.get("requestBody", {}).get("content", {}).values()), {})
        parameters = [
            self.field(
                f"{p['name']} ({p['in']})",
                {**p.get("schema", {}), "description": p.get("description", "")},
                p.get("required", False),
            )
            for p in op.get("parameters", [])
        ]
        return Operation(
            operation_id=op["operationId"],
            method=method.upper(),
            path=path,
            summary=op.get("summary") or op["operationId"].replace("_", " ").capitalize(),
            description=prose(op.get("description", "")),
            scopes=[
                s for requirement in op.get("security", []) for v in requirement.values() for s in v
            ],
            parameters=parameters,
            body=self.fields(body_node["schema"]) if body_node.get("schema") else [],
            responses=[self.response(code, a) for code, a in op.get("responses", {}).items()],
        )

    def tags(self) -> list[Tag]:
        declared = {t["name"]: t.get("description", "") for t in self.schema.get("tags", [])}
        tags = {name: Tag(name, name.capitalize(), text) for name, text in declared.items()}
        for path, item in self.schema.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    name = (item[method].get("tags") or ["other"])[0]
                    tag = tags.setdefault(name, Tag(name, name.capitalize(), ""))
                    tag.operations.append(self.operation(path, method, item[method]))
        return [tag for tag in tags.values() if tag.operations]


def api_reference(schema: dict) -> Reference:
    """The page's reference for `schema` (an OpenAPI 3 document as a dict)."""
    reader = _Reader(schema)
    tags = reader.tags()
    scheme = next(iter(schema.get("components", {}).get("securitySchemes", {}).values()), {})
    flow = next(iter(scheme.get("flows", {}).values()), {})
    return Reference(
        title=schema["info"]["title"],
        description=prose(schema["info"].get("description", "")),
        tags=tags,
        schemas=dict(sorted(reader.bodies.items())),
        token_url=flow.get("tokenUrl", ""),
        scopes=flow.get("scopes", {}),
    )
