//! Problem management: problems, known errors, recurring-incident detection.

pub mod recurring;
pub mod similarity;

code_enum!(
    /// Whether a known error is suggested to the desk, or fixed for good.
    KnownErrorStatus {
        Active => "active", "Active";
        Retired => "retired", "Retired";
    }
);

code_enum!(
    /// Where a proposed cluster of recurring incidents is: waiting for a problem
    /// manager, turned into a problem, or dismissed for good.
    CandidateStatus {
        Proposed => "proposed", "Proposed";
        Accepted => "accepted", "Accepted";
        Dismissed => "dismissed", "Dismissed";
    }
);
