from penalties.models.policy import (
    RATING_ORDER,
    AnnualRating,
    Consequence,
    Detection,
    EscalationRule,
    Policy,
    SanctionLevel,
    ViolationType,
)
from penalties.models.records import (
    Commendation,
    Evidence,
    Sanction,
    Standing,
    Statement,
    Violation,
    ViolationCounter,
)

__all__ = [
    "RATING_ORDER",
    "AnnualRating",
    "Commendation",
    "Consequence",
    "Detection",
    "EscalationRule",
    "Evidence",
    "Policy",
    "Sanction",
    "SanctionLevel",
    "Standing",
    "Statement",
    "Violation",
    "ViolationCounter",
    "ViolationType",
]
