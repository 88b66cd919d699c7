"""The billing domain: usage metrics and the subscription.

Choices where the spec is silent are in docs/connection-ai-billing.md.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from typing import Any

from cargo_cli.api.resources import billing
from cargo_cli.cli.params import ISO_DATE, UUID, choice, parse_iso
from cargo_cli.cli.rows import Cmd, Invocation, Opt, build_domain
from cargo_cli.errors import UsageError

USAGE_UNITS = ("billing.credits", "orchestration.executions", "storage.records")
GROUP_BY = ("workflow_uuid", "connector_uuid", "model_uuid", "integration_slug", "agent_uuid")


def _check_range(payload: dict[str, Any]) -> dict[str, Any]:
    start, end = parse_iso(payload["from"]), parse_iso(payload["to"])
    if (
        start is not None
        and end is not None
        and (start.tzinfo is None) == (end.tzinfo is None)
        and start > end
    ):
        raise UsageError(f"--from ({payload['from']}) is after --to ({payload['to']})")
    return payload


@dataclass(frozen=True)
class PaymentMethodOptions:
    """The refused card flags (local: never sent)."""

    card_number: str | None
    card_exp: str | None
    card_cvc: str | None
    card_stdin: bool | None


def _update_payment_method(inv: Invocation) -> Any:
    if any(astuple(inv.options.typed(PaymentMethodOptions))):
        raise UsageError(
            "Card details cannot be used by this CLI: they must be tokenized against Stripe first, "
            "which it does not do (and card numbers do not belong on a command line). Pass "
            "--payment-method-id <pm_...> (a Stripe PaymentMethod id), or update the card in the browser "
            "via `cargo-ai billing subscription create-portal-session`."
        )
    if "paymentMethodId" not in inv.payload:
        raise UsageError(
            "Missing option '--payment-method-id' (a Stripe PaymentMethod id, pm_...). To enter a card "
            "in the browser instead, use `cargo-ai billing subscription create-portal-session`."
        )
    return inv.call()


_CARD_HELP = "Refused: raw card details need client-side Stripe tokenization (use --payment-method-id)."

COMMANDS: list[Cmd] = [
    Cmd(
        "usage get-metrics", billing.Usage.get_metrics,
        "Usage metrics → {metrics} (needs an admin token).",
        opts=(
            Opt("--from", ISO_DATE, required=True, help="Start date (YYYY-MM-DD or ISO 8601)."),
            Opt("--to", ISO_DATE, required=True, help="End date (YYYY-MM-DD or ISO 8601)."),
            Opt("--agent-uuid", UUID, help="Only this agent."),
            Opt("--connector-uuid", UUID, help="Only this connector."),
            Opt("--group-by", choice(*GROUP_BY), help="Group the metrics by this key."),
            Opt("--integration-slug", help="Only this integration."),
            Opt("--model-uuid", UUID, help="Only this model."),
            Opt("--slug", help="Only this action slug."),
            Opt("--unit", choice(*USAGE_UNITS), help="The metric unit."),
            Opt("--workflow-uuid", UUID, help="Only this workflow."),
        ),
        prepare=_check_range,
        admin=True,
        examples=(
            "cargo-ai billing usage get-metrics --from <YYYY-MM-DD> --to <YYYY-MM-DD>",
            "cargo-ai billing usage get-metrics --from <YYYY-MM-DD> --to <YYYY-MM-DD> --group-by workflow_uuid --workflow-uuid <workflow-uuid>",
        ),
    ),
    Cmd("subscription get", billing.Subscription.get, "Subscription + credits.",
        examples=("cargo-ai billing subscription get",)),
    Cmd("subscription get-invoices", billing.Subscription.get_invoices, "Invoices (amounts in cents).",
        examples=("cargo-ai billing subscription get-invoices",)),
    Cmd(
        "subscription get-credit-card", billing.Subscription.get_credit_card,
        "Card on file (absent on the free tier).",
        examples=("cargo-ai billing subscription get-credit-card",),
    ),
    Cmd(
        "subscription create-portal-session", billing.Subscription.create_portal_session,
        "Create a Stripe customer-portal session → {portalSession: {url}}.",
        examples=("cargo-ai billing subscription create-portal-session",),
    ),
    Cmd(
        "subscription update-payment-method", billing.Subscription.update_payment_method,
        "Set the payment method from a Stripe PaymentMethod id (PUT {paymentMethodId}).\n\n"
        "Raw card flags are refused: tokenizing a card against Stripe is not done by this CLI. "
        "Use create-portal-session to enter a card in the browser.",
        opts=(
            Opt("--payment-method-id", help="A Stripe PaymentMethod id (pm_...)."),
            Opt("--card-number", local=True, help=_CARD_HELP),
            Opt("--card-exp", local=True, help=_CARD_HELP),
            Opt("--card-cvc", local=True, help=_CARD_HELP),
            Opt("--card-stdin", is_flag=True, local=True, help=_CARD_HELP),
        ),
        handler=_update_payment_method,
        options=PaymentMethodOptions,
        examples=("cargo-ai billing subscription update-payment-method --payment-method-id <pm-id>",),
    ),
]  # fmt: skip

group = build_domain(
    "billing",
    COMMANDS,
    areas={
        "usage": "Usage metrics (admin token).",
        "subscription": "Subscription, invoices and payment method.",
    },
    removed={
        f"subscription {name}": f"No such command '{name}': it was removed from cargo-ai (1.0.47-1.0.66). {hint}"
        for name, hint in (
            ("add-payment-method", "Use `billing subscription update-payment-method`."),
            ("create-setup-intent", "Use `billing subscription update-payment-method`."),
            ("create-stripe-credits-checkout-session", "Use `billing subscription create-portal-session`."),
        )
    },
)
