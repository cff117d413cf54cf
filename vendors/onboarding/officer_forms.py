"""Forms of the officers' vendor pages: the queue's filters and a decision.

They only parse input. Whether a decision is allowed, and whether it needs a reason,
is decided by the onboarding services, which say why when they refuse.
"""
from __future__ import annotations

from dataclasses import dataclass

from django import forms

from ocop_rules import VendorState
from vendors.registry import places

from .models import Decision

ALL_STATES = "all"
REASON_MAX_LENGTH = 2000
QUEUE_STATES = [state for state in VendorState if state is not VendorState.DRAFT]


class QueueFilterForm(forms.Form):
    """State (submitted applications unless asked otherwise) and today's province."""

    state = forms.ChoiceField(label="Trạng thái", required=False)
    province = forms.ChoiceField(label="Tỉnh/thành phố", required=False)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["state"].choices = [(state.value, state.label_vi) for state in QUEUE_STATES] + [
            (ALL_STATES, "Tất cả trạng thái")
        ]
        self.fields["province"].choices = [("", "Tất cả tỉnh/thành phố")] + [
            (province.code, province.name) for province in places.current_provinces()
        ]

    def filters(self) -> dict[str, str]:
        """The review_queue arguments; an unknown value falls back to the default."""
        self.is_valid()  # an invalid field is left out of cleaned_data, the others stay
        cleaned = self.cleaned_data
        state = cleaned.get("state") or VendorState.SUBMITTED.value
        return {"state": "" if state == ALL_STATES else state, "province_code": cleaned.get("province", "")}


@dataclass(frozen=True)
class ActionForm:
    """One decision form on the vendor's page."""

    action: str
    label: str
    label_en: str
    reason_label: str
    reason_required: bool


ACTION_FORMS = {
    Decision.Action.APPROVE: ActionForm(Decision.Action.APPROVE, "Duyệt hồ sơ", "Approve", "Ghi chú (không bắt buộc)", False),
    Decision.Action.REQUEST_CHANGES: ActionForm(
        Decision.Action.REQUEST_CHANGES, "Yêu cầu bổ sung", "Ask for changes", "Cần bổ sung gì (bắt buộc)", True
    ),
    Decision.Action.REJECT: ActionForm(Decision.Action.REJECT, "Từ chối", "Reject", "Lý do từ chối (bắt buộc)", True),
    Decision.Action.SUSPEND: ActionForm(
        Decision.Action.SUSPEND, "Tạm ngừng gian hàng", "Suspend", "Lý do tạm ngừng (bắt buộc)", True
    ),
    Decision.Action.REINSTATE: ActionForm(
        Decision.Action.REINSTATE, "Khôi phục gian hàng", "Reinstate", "Ghi chú (không bắt buộc)", False
    ),
}
# The forms worth showing in each state; the services refuse anything else, saying why.
ACTIONS_BY_STATE = {
    VendorState.SUBMITTED: [Decision.Action.APPROVE, Decision.Action.REQUEST_CHANGES, Decision.Action.REJECT],
    VendorState.APPROVED: [Decision.Action.SUSPEND],
    VendorState.SUSPENDED: [Decision.Action.REINSTATE],
}


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[(action.value, action.label) for action in ACTION_FORMS])
    reason = forms.CharField(label="Lý do", required=False, max_length=REASON_MAX_LENGTH)
