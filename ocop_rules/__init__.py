"""OCOP rules: the pure domain core of the marketplace.

Standard library only, no framework and no clock: `today` is always an
argument. Sources: Decisions 490/QĐ-TTg, 919/QĐ-TTg, 1048/QĐ-TTg, 148/QĐ-TTg
and 1489/QĐ-TTg, and the Civil Code 2015 for counting months.
"""

from .authority import (
    CENTRALLY_RUN_CITIES,
    EXPECTED_ISSUING_LEVELS,
    REGIME_148_FROM,
    REGIME_1489_FROM,
    IssuingLevel,
    Regime,
    UnknownIssuingLevel,
    expected_issuing_levels,
    issuing_level_allowed,
    parse_issuing_level,
    regime_for,
)
from .groups import (
    LEGACY_PRODUCT_GROUPS,
    PRODUCT_GROUPS,
    PRODUCT_SUBGROUPS,
    ProductGroup,
    UnknownProductGroup,
    product_group,
    product_group_from_label,
    product_subgroups,
)
from .listing import ListingCode, ListingDecision, VendorState, listing_decision
from .producers import (
    InvalidTaxNumber,
    ProducerKind,
    UnknownProducerKind,
    normalise_tax_number,
    parse_producer_kind,
)
from .stars import (
    CERTIFIABLE_STAR_LEVELS,
    STAR_LEVELS,
    ScoreOutOfRange,
    is_certifiable,
    star_level,
)
from .status import (
    DEFAULT_WARNING_WINDOWS,
    CertificateFacts,
    CertificateStatus,
    certificate_status,
    expiry_warning_window,
    format_date_vi,
)
from .text import fold
from .validity import VALIDITY_MONTHS, add_months, days_until_expiry, expiry_date

__all__ = [
    "CENTRALLY_RUN_CITIES",
    "CERTIFIABLE_STAR_LEVELS",
    "DEFAULT_WARNING_WINDOWS",
    "EXPECTED_ISSUING_LEVELS",
    "LEGACY_PRODUCT_GROUPS",
    "PRODUCT_GROUPS",
    "PRODUCT_SUBGROUPS",
    "REGIME_148_FROM",
    "REGIME_1489_FROM",
    "STAR_LEVELS",
    "VALIDITY_MONTHS",
    "CertificateFacts",
    "CertificateStatus",
    "InvalidTaxNumber",
    "IssuingLevel",
    "ListingCode",
    "ListingDecision",
    "ProducerKind",
    "ProductGroup",
    "Regime",
    "ScoreOutOfRange",
    "UnknownIssuingLevel",
    "UnknownProducerKind",
    "UnknownProductGroup",
    "VendorState",
    "add_months",
    "certificate_status",
    "days_until_expiry",
    "expected_issuing_levels",
    "expiry_date",
    "expiry_warning_window",
    "fold",
    "format_date_vi",
    "is_certifiable",
    "issuing_level_allowed",
    "listing_decision",
    "normalise_tax_number",
    "parse_issuing_level",
    "parse_producer_kind",
    "product_group",
    "product_group_from_label",
    "product_subgroups",
    "regime_for",
    "star_level",
]
