//! The states an asset goes through and the moves allowed between them:
//! `ordered → received → in_stock → deployed ↔ in_repair → retired → disposed`, with
//! `lost` reachable from anywhere before disposal (and found again into stock).

use crate::DomainError;

code_enum!(
    /// Where an asset is in its life.
    AssetState {
        Ordered => "ordered", "Ordered";
        Received => "received", "Received";
        InStock => "in_stock", "In stock";
        Deployed => "deployed", "Deployed";
        InRepair => "in_repair", "In repair";
        Retired => "retired", "Retired";
        Disposed => "disposed", "Disposed";
        Lost => "lost", "Lost";
    }
);

impl AssetState {
    /// The states this one may move to.
    pub fn next(self) -> &'static [AssetState] {
        use AssetState::*;
        match self {
            Ordered => &[Received, Lost],
            Received => &[InStock, Deployed, Lost],
            InStock => &[Deployed, InRepair, Retired, Lost],
            Deployed => &[InRepair, InStock, Retired, Lost],
            InRepair => &[Deployed, InStock, Retired, Lost],
            Retired => &[Disposed, InStock, Lost],
            Lost => &[InStock, Disposed],
            Disposed => &[],
        }
    }

    /// `to`, when the move is allowed; otherwise an error naming both states.
    pub fn move_to(self, to: AssetState) -> Result<AssetState, DomainError> {
        if self.next().contains(&to) { Ok(to) } else { Err(DomainError::AssetTransition { from: self, to }) }
    }

    /// Whether the asset can be handed to a person in this state.
    pub fn can_check_out(self) -> bool {
        self.next().contains(&AssetState::Deployed) || self == AssetState::Deployed
    }

    /// Whether the asset is still held (counted in stocktakes and the portfolio).
    pub fn is_held(self) -> bool {
        !matches!(self, AssetState::Disposed | AssetState::Lost | AssetState::Ordered)
    }
}

#[cfg(test)]
mod tests {
    use super::AssetState::*;
    use super::*;

    #[test]
    fn the_lifecycle_goes_forward_and_refuses_skips() {
        assert_eq!(Ordered.move_to(Received), Ok(Received));
        assert_eq!(Deployed.move_to(InRepair), Ok(InRepair));
        assert_eq!(InRepair.move_to(Deployed), Ok(Deployed));
        assert!(Ordered.move_to(Deployed).is_err());
        assert!(InStock.move_to(Disposed).is_err());
        assert!(Disposed.move_to(InStock).is_err());
        assert!(Disposed.next().is_empty());
    }

    #[test]
    fn every_state_but_disposed_can_be_lost_or_leave_lost() {
        for s in AssetState::ALL.iter().copied().filter(|s| !matches!(s, Disposed | Lost)) {
            assert!(s.next().contains(&Lost), "{s:?}");
        }
        assert!(!Disposed.can_check_out());
        assert!(InStock.can_check_out());
    }
}
