//! Priority is derived, never typed in: impact × urgency through the tenant's matrix.

use crate::DomainError;

/// 1 = high, 2 = medium, 3 = low (the same scale for impact and urgency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Level(u8);

impl Level {
    pub const HIGH: Level = Level(1);
    pub const MEDIUM: Level = Level(2);
    pub const LOW: Level = Level(3);

    pub fn parse(field: &'static str, v: i64) -> Result<Level, DomainError> {
        if (1..=3).contains(&v) {
            Ok(Level(v as u8))
        } else {
            Err(DomainError::invalid(field, format!("must be 1 (high), 2 (medium) or 3 (low), got {v}")))
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
    pub fn label(self) -> &'static str {
        ["High", "Medium", "Low"][usize::from(self.0 - 1)]
    }
}

/// 1 = critical … 5 = planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Priority(u8);

impl Priority {
    pub const MEDIUM: Priority = Priority(3);

    pub fn parse(v: i64) -> Result<Priority, DomainError> {
        if (1..=5).contains(&v) {
            Ok(Priority(v as u8))
        } else {
            Err(DomainError::invalid("priority", format!("must be between 1 and 5, got {v}")))
        }
    }
    pub fn get(self) -> u8 {
        self.0
    }
    pub fn label(self) -> &'static str {
        ["Critical", "High", "Moderate", "Low", "Planning"][usize::from(self.0 - 1)]
    }
}

/// `cells[impact-1][urgency-1]` is the priority.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "[[i64; 3]; 3]", into = "[[i64; 3]; 3]")]
pub struct PriorityMatrix {
    cells: [[Priority; 3]; 3],
}

impl Default for PriorityMatrix {
    fn default() -> Self {
        let p = |v| Priority(v);
        PriorityMatrix { cells: [[p(1), p(2), p(3)], [p(2), p(3), p(4)], [p(3), p(4), p(5)]] }
    }
}

impl TryFrom<[[i64; 3]; 3]> for PriorityMatrix {
    type Error = DomainError;
    fn try_from(raw: [[i64; 3]; 3]) -> Result<Self, DomainError> {
        let mut cells = PriorityMatrix::default().cells;
        for (i, row) in raw.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                cells[i][j] = Priority::parse(*v)
                    .map_err(|_| DomainError::invalid("priority_matrix", format!("cell [{i}][{j}] must be 1..5, got {v}")))?;
            }
        }
        Ok(PriorityMatrix { cells })
    }
}

impl From<PriorityMatrix> for [[i64; 3]; 3] {
    fn from(m: PriorityMatrix) -> Self {
        m.cells.map(|row| row.map(|p| i64::from(p.0)))
    }
}

impl PriorityMatrix {
    pub fn priority(&self, impact: Level, urgency: Level) -> Priority {
        self.cells[usize::from(impact.0 - 1)][usize::from(urgency.0 - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_matrix_maps_extremes() {
        let m = PriorityMatrix::default();
        assert_eq!(m.priority(Level::HIGH, Level::HIGH).get(), 1);
        assert_eq!(m.priority(Level::LOW, Level::LOW).get(), 5);
        assert_eq!(m.priority(Level::HIGH, Level::LOW).get(), 3);
    }

    #[test]
    fn matrix_rejects_out_of_range_cells() {
        let err = PriorityMatrix::try_from([[1, 2, 3], [2, 9, 4], [3, 4, 5]]).unwrap_err();
        assert!(err.to_string().contains("[1][1]"));
        assert!(Level::parse("impact", 4).is_err());
    }
}
