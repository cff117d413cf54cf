"""The card payment state machine (storefront_adapter.payments.state): Stripe's events in
any order and any number of times end in the right state, with the right reports."""
from __future__ import annotations

from storefront_adapter.payments import state
from storefront_adapter.payments.state import Payment, Report

PI = "pi_3QOcop0001"
NEW = Payment(PI, 385_000, state.PENDING)


def test_success_is_reported_as_charge_success_of_the_whole_amount_in_dong():
    # when the PaymentIntent succeeds
    outcome = state.payment_succeeded(NEW)
    # then the payment is paid and Saleor hears CHARGE_SUCCESS for 385.000 ₫ keyed by the PaymentIntent
    assert (outcome.payment.state, outcome.applied) == (state.SUCCEEDED, True)
    assert [(r.type, r.amount, r.psp_reference) for r in outcome.reports] == [("CHARGE_SUCCESS", 385_000, PI)]


def test_a_duplicate_success_reports_the_same_event_again_which_saleor_takes_once():
    # given a paid payment
    paid = state.payment_succeeded(NEW).payment
    # when the success comes again
    outcome = state.payment_succeeded(paid)
    # then nothing changes and the report is identical (same pspReference, type, amount)
    assert outcome.payment == paid
    assert outcome.reports == state.payment_succeeded(NEW).reports


def test_a_failure_then_a_success_ends_paid():
    # given a first card declined
    failed = state.payment_failed(NEW, reason="Your card was declined.")
    # when the second try succeeds
    paid = state.payment_succeeded(failed.payment)
    # then
    assert failed.payment.state == state.FAILED
    assert [r.type for r in failed.reports] == ["CHARGE_FAILURE"]
    assert paid.payment.state == state.SUCCEEDED


def test_a_late_failure_after_the_success_changes_nothing_and_reports_nothing():
    # given a paid payment
    paid = state.payment_succeeded(NEW).payment
    # when the failure of an earlier try arrives late
    outcome = state.payment_failed(paid, reason="Your card was declined.")
    # then it is stale
    assert (outcome.payment, outcome.applied, outcome.reports) == (paid, False, ())


def test_a_late_cancel_after_the_success_changes_nothing():
    paid = state.payment_succeeded(NEW).payment
    outcome = state.payment_canceled(paid)
    assert (outcome.payment.state, outcome.applied, outcome.reports) == (state.SUCCEEDED, False, ())


def test_a_cancel_is_final_and_a_failure_after_it_is_stale():
    canceled = state.payment_canceled(NEW)
    assert [(r.type, r.amount) for r in canceled.reports] == [("CANCEL_SUCCESS", 385_000)]
    assert state.payment_failed(canceled.payment, reason="").applied is False
    assert state.payment_succeeded(canceled.payment).applied is False


def test_refunds_report_the_growth_of_the_cumulative_refund_once():
    # given a paid payment
    paid = state.payment_succeeded(NEW).payment
    # when 100.000 ₫ then 385.000 ₫ in all are refunded
    first = state.charge_refunded(paid, charge_id="ch_1", amount_refunded=100_000)
    second = state.charge_refunded(first.payment, charge_id="ch_1", amount_refunded=385_000)
    # then Saleor hears 100.000 and 285.000, each keyed by the cumulative total
    assert first.reports == (Report("REFUND_SUCCESS", 100_000, "ch_1:refunded:100000",
                                    "Đã hoàn tiền về thẻ (refunded to the card)."),)
    assert [(r.amount, r.psp_reference) for r in second.reports] == [(285_000, "ch_1:refunded:385000")]
    assert (second.payment.state, second.payment.amount_refunded) == (state.REFUNDED, 385_000)


def test_an_older_refund_event_arriving_after_a_newer_one_is_stale():
    paid = state.payment_succeeded(NEW).payment
    newer = state.charge_refunded(paid, charge_id="ch_1", amount_refunded=300_000)
    older = state.charge_refunded(newer.payment, charge_id="ch_1", amount_refunded=100_000)
    assert (older.applied, older.reports, older.payment.amount_refunded) == (False, (), 300_000)


def test_a_refund_seen_before_its_success_implies_the_success_and_the_late_success_keeps_it_refunded():
    # when the refund arrives first
    refunded = state.charge_refunded(NEW, charge_id="ch_1", amount_refunded=385_000)
    # then the charge is reported before the refund
    assert [(r.type, r.amount) for r in refunded.reports] == [("CHARGE_SUCCESS", 385_000), ("REFUND_SUCCESS", 385_000)]
    # and the late success does not undo the refund
    late = state.payment_succeeded(refunded.payment)
    assert late.payment.state == state.REFUNDED


def test_succeeded_is_terminal_unless_refunded_whatever_the_order():
    # given every order of: failed, succeeded, canceled
    import itertools

    events = [
        lambda p: state.payment_failed(p, reason="").payment,
        lambda p: state.payment_succeeded(p).payment,
        lambda p: state.payment_canceled(p).payment,
    ]
    finals = set()
    for order in itertools.permutations(events):
        payment = NEW
        for apply in order:
            payment = apply(payment)
        finals.add((order.index(events[1]) < order.index(events[2]), payment.state))
    # then: succeeded before the cancel -> succeeded; cancel first -> canceled (Stripe cannot
    # succeed a canceled PaymentIntent, so that order does not happen)
    assert finals == {(True, state.SUCCEEDED), (False, state.CANCELED)}


def test_a_failure_or_cancel_is_superseded_once_the_payment_is_paid():
    assert state.superseded("CHARGE_FAILURE", state.SUCCEEDED) is True
    assert state.superseded("CANCEL_SUCCESS", state.REFUNDED) is True
    assert state.superseded("CHARGE_FAILURE", state.FAILED) is False
    assert state.superseded("CHARGE_SUCCESS", state.SUCCEEDED) is False


def test_a_status_read_from_stripe_moves_the_state_by_the_same_rules():
    assert state.intent_status_observed(NEW, "succeeded").state == state.SUCCEEDED
    assert state.intent_status_observed(NEW, "processing").state == state.PROCESSING
    assert state.intent_status_observed(NEW, "requires_action") == NEW
    paid = state.payment_succeeded(NEW).payment
    assert state.intent_status_observed(paid, "requires_payment_method") == paid
