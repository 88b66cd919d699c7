"""billing usage get-metrics and billing subscription commands."""

from __future__ import annotations

import pytest

from cargo_cli.errors import describe_status
from tests.helpers import CASE_FIELDS, UUID1, UUID2, check_case

UUID3 = "55555555-5555-4555-8555-555555555555"
UUID4 = "66666666-6666-4666-8666-666666666666"

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(
        ["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31T23:59:59Z", "--agent-uuid", UUID1,
         "--connector-uuid", UUID2, "--group-by", "integration_slug", "--integration-slug", "clearbit",
         "--model-uuid", UUID3, "--slug", "enrich", "--unit", "billing.credits", "--workflow-uuid", UUID4],
        "GET", "/billing/usage/metrics",
        f"from=2025-01-01&to=2025-01-31T23:59:59Z&agentUuid={UUID1}&connectorUuid={UUID2}"
        f"&groupBy=integration_slug&integrationSlug=clearbit&modelUuid={UUID3}&slug=enrich"
        f"&unit=billing.credits&workflowUuid={UUID4}",
        None, {"metrics": [{"date": "2025-01-01", "value": 12}]}, id="usage-get-metrics-all-flags",
    ),
    pytest.param(
        ["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-01", "--unit", "storage.records"],
        "GET", "/billing/usage/metrics", "from=2025-01-01&to=2025-01-01&unit=storage.records", None,
        {"metrics": []}, id="usage-get-metrics-storage",
    ),
    pytest.param(
        ["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-02-01", "--unit",
         "orchestration.executions"],
        "GET", "/billing/usage/metrics", "from=2025-01-01&to=2025-02-01&unit=orchestration.executions", None,
        {"metrics": []}, id="usage-get-metrics-executions",
    ),
    pytest.param(
        ["subscription", "get"], "GET", "/billing/subscriptions", "", None,
        {"subscription": {"plan": "pro"}, "credits": {"available": 10}}, id="subscription-get",
    ),
    pytest.param(
        ["subscription", "get-invoices"], "GET", "/billing/subscriptions/invoices", "", None,
        {"invoices": [{"amountDue": 9900}]}, id="subscription-get-invoices",
    ),
    pytest.param(
        ["subscription", "get-credit-card"], "GET", "/billing/subscriptions/creditCard", "", None,
        {"creditCard": {"brand": "visa", "last4": "4242"}}, id="subscription-get-credit-card",
    ),
    pytest.param(
        ["subscription", "create-portal-session"], "POST", "/billing/subscriptions/portalSessions", "", None,
        {"portalSession": {"url": "https://billing.stripe.com/p/session/x"}},
        id="subscription-create-portal-session",
    ),
    pytest.param(
        ["subscription", "update-payment-method", "--payment-method-id", "pm_123"],
        "PUT", "/billing/subscriptions/paymentMethod", "", {"paymentMethodId": "pm_123"}, {},
        id="subscription-update-payment-method",
    ),
]  # fmt: skip


@pytest.mark.parametrize(CASE_FIELDS, CASES)
def test_request_and_output(cli, api, argv, method, path, query, body, response):
    check_case(cli, api, "billing", (argv, method, path, query, body, response))


def test_update_payment_method_empty_answer_prints_empty_object(cli, api):
    api.put("/billing/subscriptions/paymentMethod").respond(204)
    result = cli("billing", "subscription", "update-payment-method", "--payment-method-id", "pm_1")
    assert result.code == 0
    assert result.json == {}


@pytest.mark.parametrize(
    ("argv", "reason", "message"),
    [
        (["subscription", "create-portal-session"], "subscriptionNotFound", "Subscription not found"),
        (["subscription", "update-payment-method", "--payment-method-id", "pm_1"], "subscriptionNotFound",
         "Subscription not found"),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, reason, message):
    api.route().respond(404, json={"reason": reason})
    result = cli("billing", *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": reason, "status": 404}


@pytest.mark.parametrize(
    ("status", "body", "base"),
    [
        (401, {}, "Not authorized"),
        (403, {}, describe_status(403)),
        (403, {"errorMessage": "Forbidden"}, "Forbidden"),
    ],
)
def test_usage_metrics_needs_an_admin_token(cli, api, status, body, base):
    api.get("/billing/usage/metrics").respond(status, json=body)
    result = cli("billing", "usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31")
    assert result.code == 1
    assert result.json["errorMessage"].startswith(base + ": ")
    assert "admin token" in result.json["errorMessage"]
    assert result.json["status"] == status


def test_usage_metrics_other_errors_are_not_about_admin(cli, api):
    api.get("/billing/usage/metrics").respond(400, json={"errorMessage": "Bad range"})
    result = cli("billing", "usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31")
    assert result.json == {"errorMessage": "Bad range", "status": 400}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["usage", "get-metrics", "--to", "2025-01-31"], "--from"),
        (["usage", "get-metrics", "--from", "2025-01-01"], "--to"),
        (["usage", "get-metrics", "--from", "01/02/2025", "--to", "2025-01-31"], "--from"),
        (["usage", "get-metrics", "--from", "2025-02-01", "--to", "2025-01-31"], "after --to"),
        (["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31", "--unit", "credits"], "--unit"),
        (["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31", "--unit", "executions"],
         "--unit"),
        (["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31", "--group-by", "day"],
         "--group-by"),
        (["usage", "get-metrics", "--from", "2025-01-01", "--to", "2025-01-31", "--workflow-uuid", "x"],
         "not a valid UUID"),
        (["subscription", "update-payment-method"], "--payment-method-id"),
        (["subscription", "update-payment-method", "--card-number", "4242424242424242", "--card-exp", "12/30",
          "--card-cvc", "123"], "tokenized against Stripe"),
        (["subscription", "update-payment-method", "--card-stdin"], "tokenized against Stripe"),
        (["subscription", "update-payment-method", "--payment-method-id", "pm_1", "--card-cvc", "1"],
         "tokenized against Stripe"),
        (["subscription", "add-payment-method"], "removed"),
        (["subscription", "create-setup-intent"], "update-payment-method"),
        (["subscription", "create-stripe-credits-checkout-session"], "create-portal-session"),
        (["subscription", "update-plan"], "No such command"),
        (["invoice", "list"], "No such command"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, needle):
    route = api.route()
    result = cli("billing", *argv)
    assert result.code == 2, result.out
    assert needle in result.json["errorMessage"]
    assert not route.called


def test_card_number_is_not_echoed(cli, api):
    result = cli("billing", "subscription", "update-payment-method", "--card-number", "4242424242424242")
    assert "4242424242424242" not in result.out
