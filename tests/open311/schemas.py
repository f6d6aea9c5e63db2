"""JSON Schemas of GeoReport v2 answers, written from the specification's field tables
(shared/reference/open311-georeport-v2.md): no package ships the open311 project's schemas."""

from __future__ import annotations

W3C_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
TEXT_OR_NULL = {"type": ["string", "null"]}

SERVICES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string", "minLength": 1},
            "service_name": {"type": "string", "minLength": 1},
            "description": TEXT_OR_NULL,
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": TEXT_OR_NULL,
            "group": TEXT_OR_NULL,
        },
        "additionalProperties": False,
    },
}

SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "properties": {
        "service_code": {"type": "string"},
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "order"],
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": {"type": "string"},
                    "datatype": {
                        "enum": [
                            "string",
                            "number",
                            "datetime",
                            "text",
                            "singlevaluelist",
                            "multivaluelist",
                        ]
                    },
                    "required": {"type": "boolean"},
                    "datatype_description": TEXT_OR_NULL,
                    "order": {"type": "integer", "minimum": 1},
                    "description": TEXT_OR_NULL,
                    "values": {
                        "type": "array",
                        "items": {"type": "object", "required": ["key", "name"]},
                    },
                },
            },
        },
    },
    "additionalProperties": False,
}

SERVICE_REQUESTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": [
            "service_request_id",
            "status",
            "service_name",
            "service_code",
            "requested_datetime",
            "updated_datetime",
            "lat",
            "long",
        ],
        "properties": {
            "service_request_id": {"type": "string", "minLength": 1},
            "status": {"enum": ["open", "closed"]},
            "status_notes": TEXT_OR_NULL,
            "service_name": {"type": "string"},
            "service_code": {"type": "string"},
            "description": TEXT_OR_NULL,
            "agency_responsible": TEXT_OR_NULL,
            "service_notice": TEXT_OR_NULL,
            "requested_datetime": {"type": "string", "pattern": W3C_DATETIME},
            "updated_datetime": {"type": "string", "pattern": W3C_DATETIME},
            "expected_datetime": {
                "anyOf": [{"type": "string", "pattern": W3C_DATETIME}, {"type": "null"}]
            },
            "address": TEXT_OR_NULL,
            "address_id": {"type": ["string", "integer", "null"]},
            "zipcode": {"type": ["string", "integer", "null"]},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "media_url": {"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}]},
        },
        "additionalProperties": False,
    },
}

POSTED_REQUEST = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "properties": {
            "service_request_id": {"type": "string"},
            "token": {"type": "string"},
            "service_notice": TEXT_OR_NULL,
            "account_id": {"type": ["string", "integer", "null"]},
        },
        # One of the two, never both, says the spec.
        "oneOf": [{"required": ["service_request_id"]}, {"required": ["token"]}],
        "additionalProperties": False,
    },
}

ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {
            "code": {"type": ["integer", "string"]},
            "description": {"type": "string", "minLength": 1},
        },
        "additionalProperties": False,
    },
}

DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "key_service", "endpoints"],
    "properties": {
        "changeset": {"type": "string", "pattern": W3C_DATETIME},
        "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "properties": {
                    "specification": {"type": "string", "format": "uri"},
                    "url": {"type": "string", "format": "uri"},
                    "changeset": {"type": "string", "pattern": W3C_DATETIME},
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
