"""Every GraphQL document we send to Saleor (or declare as a webhook subscription) is valid
against the schema of the Saleor we target, 3.23 (STYLE.md rule 5).

The schema is shared data beside the checkout: ``<repo>/../shared/saleor/schema-3.23.graphql``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, OperationType, build_schema, parse, validate
from graphql.validation import NoDeprecatedCustomRule

from storefront_adapter.operations import OPERATIONS_DIR, load_operation, operation_names

SALEOR_VERSION = "3.23"
REPO = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO.parent / "shared" / "saleor" / f"schema-{SALEOR_VERSION}.graphql"
ALL_OPERATIONS = operation_names()


@functools.cache
def saleor_schema() -> GraphQLSchema:
    assert SCHEMA_PATH.is_file(), f"Saleor {SALEOR_VERSION} schema not found at {SCHEMA_PATH}"
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def operations_in(document: str) -> list[OperationDefinitionNode]:
    return [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]


def validation_errors(document: str) -> list[str]:
    return [error.message for error in validate(saleor_schema(), parse(document))]


def test_there_are_operations_and_each_file_is_named_after_one():
    # given the operations folder
    files = sorted(p.stem for p in OPERATIONS_DIR.glob("*.graphql"))
    # then the loader offers exactly those, and the ones the app is built on are there
    assert ALL_OPERATIONS == files
    assert {"ShopInfo", "ProductCreate", "StockBulkUpdate", "ProductUpdatedEvent", "OrderCreatedEvent"} <= set(files)


@pytest.mark.parametrize("operation_name", ALL_OPERATIONS)
def test_document_holds_exactly_one_operation_named_like_its_file(operation_name):
    # given the document stored for the name
    operations = operations_in(load_operation(operation_name))
    # then it defines one operation, and that operation carries the file's name
    assert [op.name.value if op.name else None for op in operations] == [operation_name]


@pytest.mark.parametrize("operation_name", ALL_OPERATIONS, ids=lambda name: f"saleor-{SALEOR_VERSION}:{name}")
def test_document_validates_against_the_saleor_schema(operation_name):
    # when the document is validated against the Saleor schema
    errors = validation_errors(load_operation(operation_name))
    # then the schema accepts it
    assert errors == [], f"{operation_name} is not valid for Saleor {SALEOR_VERSION}: {errors}"


@pytest.mark.parametrize("operation_name", ALL_OPERATIONS, ids=lambda name: f"saleor-{SALEOR_VERSION}:{name}")
def test_document_uses_nothing_saleor_has_deprecated(operation_name):
    # Deprecated fields, arguments and enum values are the ones the next Saleor removes.
    errors = validate(saleor_schema(), parse(load_operation(operation_name)), [NoDeprecatedCustomRule])
    assert [e.message for e in errors] == [], f"{operation_name} uses what Saleor {SALEOR_VERSION} deprecates"


@pytest.mark.parametrize("operation_name", ALL_OPERATIONS, ids=lambda name: f"saleor-{SALEOR_VERSION}:{name}")
def test_no_required_variable_has_a_default(operation_name):
    # Saleor 3.23 executes with graphql-core 2, which refuses `$x: T! = value` ("is required and
    # will not use the default value") although today's spec, and so `validate` above, allow it.
    [operation] = operations_in(load_operation(operation_name))
    assert [v.variable.name.value for v in operation.variable_definitions
            if v.type.kind == "non_null_type" and v.default_value is not None] == []


def test_subscriptions_are_webhook_payloads_for_a_single_event():
    # given the subscription documents (the app manifest declares them as webhook queries)
    operations = {name: operations_in(load_operation(name))[0] for name in ALL_OPERATIONS}
    subscriptions = {name: op for name, op in operations.items() if op.operation is OperationType.SUBSCRIPTION}
    # then each selects `event` and one inline fragment on its event type
    assert sorted(subscriptions) == [
        "OrderCancelledEvent", "OrderCreatedEvent", "OrderUpdatedEvent", "PaymentGatewayInitializeSessionEvent", "ProductCreatedEvent",
        "ProductDeletedEvent", "ProductUpdatedEvent", "TransactionCancelationRequestedEvent",
        "TransactionInitializeSessionEvent", "TransactionProcessSessionEvent", "TransactionRefundRequestedEvent"]
    for name, operation in subscriptions.items():
        [event] = operation.selection_set.selections
        [fragment] = event.selection_set.selections
        assert (event.name.value, fragment.type_condition.name.value) == ("event", name.removesuffix("Event"))


def test_the_check_fails_when_saleor_removes_a_field_we_use():
    # given a Saleor schema like 3.23 but without Product.externalReference
    sdl = SCHEMA_PATH.read_text(encoding="utf-8")
    start = sdl.index("type Product implements")
    end = sdl.index("\n}\n", start)
    field = '  """External ID of this product."""\n  externalReference: String'
    assert field in sdl[start:end]
    schema_without_field = build_schema(sdl[:start] + sdl[start:end].replace(field, "") + sdl[end:])
    # when our ProductDelete document is validated against it
    errors = validate(schema_without_field, parse(load_operation("ProductDelete")))
    # then the removed field is named
    assert [e.message for e in errors] == ["Cannot query field 'externalReference' on type 'Product'."]


def test_the_check_fails_for_a_misspelt_argument_and_enum_value():
    # given ChannelCreate with an order setting under a wrong name and a wrong enum value
    broken = (load_operation("ChannelCreate")
              .replace("allowUnpaidOrders:", "allowUnpaidOrder:")
              .replace("TRANSACTION_FLOW", "TRANSACTIONS_FLOW"))
    # when it is validated
    errors = validation_errors(broken)
    # then both are rejected
    assert errors == [
        "Field 'allowUnpaidOrder' is not defined by type 'OrderSettingsInput'. Did you mean 'allowUnpaidOrders'?",
        "Value 'TRANSACTIONS_FLOW' does not exist in 'MarkAsPaidStrategyEnum' enum."
        " Did you mean the enum value 'TRANSACTION_FLOW'?",
    ]
