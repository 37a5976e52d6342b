//! Severity, likelihood and the risk rating of the DCB0129 matrix: the
//! numbers a clinical safety officer signs. Pure arithmetic, no opinions.

use schemars::JsonSchema;
use serde::Deserialize;

/// How bad the harm is when it happens (DCB0129's five levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Minor injury or inconvenience, no lasting harm.
    Minor,
    /// Minor injury needing treatment, or delay without lasting harm.
    Significant,
    /// Severe injury or harm that can be recovered from.
    Considerable,
    /// Permanent harm or one death.
    Major,
    /// Several deaths or permanent harm to many.
    Catastrophic,
}

impl Severity {
    /// As written in the log.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Significant => "significant",
            Severity::Considerable => "considerable",
            Severity::Major => "major",
            Severity::Catastrophic => "catastrophic",
        }
    }
}

/// How often it is expected to happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Likelihood {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

impl Likelihood {
    /// As written in the log.
    pub fn name(self) -> &'static str {
        match self {
            Likelihood::VeryLow => "very-low",
            Likelihood::Low => "low",
            Likelihood::Medium => "medium",
            Likelihood::High => "high",
            Likelihood::VeryHigh => "very-high",
        }
    }
}

/// One point of the matrix: the risk before or after the controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub severity: Severity,
    pub likelihood: Likelihood,
}

/// From this rating on, a residual risk is not acceptable (DCB0129:
/// 4 "unacceptable, action required", 5 "unacceptable").
pub const HIGH_RATING: u8 = 4;

impl Risk {
    /// The rating 1 (acceptable) to 5 (unacceptable), DCB0129's matrix:
    ///
    /// ```text
    ///              minor signif consid major catastr
    /// very-high      3     4      4      5      5
    /// high           2     3      3      4      5
    /// medium         2     2      3      3      4
    /// low            1     2      2      3      4
    /// very-low       1     1      2      2      3
    /// ```
    pub fn rating(self) -> u8 {
        const MATRIX: [[u8; 5]; 5] = [
            [1, 1, 2, 2, 3],
            [1, 2, 2, 3, 4],
            [2, 2, 3, 3, 4],
            [2, 3, 3, 4, 5],
            [3, 4, 4, 5, 5],
        ];
        MATRIX[self.likelihood as usize][self.severity as usize]
    }

    /// "3 medium (catastrophic, very-low)": the rating with what it is
    /// made of, as SAFETY.md's table writes it.
    pub fn describe(self) -> String {
        format!(
            "{} ({}, {})",
            self.rating_name(),
            self.severity.name(),
            self.likelihood.name()
        )
    }

    /// The word for [`Self::rating`], as SAFETY.md's table writes it.
    pub fn rating_name(self) -> &'static str {
        match self.rating() {
            1 => "1 very low",
            2 => "2 low",
            3 => "3 medium",
            4 => "4 high",
            _ => "5 very high",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_corners_and_the_diagonal() {
        let risk = |severity, likelihood| Risk { severity, likelihood }.rating();
        assert_eq!(risk(Severity::Minor, Likelihood::VeryLow), 1);
        assert_eq!(risk(Severity::Catastrophic, Likelihood::VeryHigh), 5);
        assert_eq!(risk(Severity::Catastrophic, Likelihood::VeryLow), 3);
        assert_eq!(risk(Severity::Minor, Likelihood::VeryHigh), 3);
        assert_eq!(risk(Severity::Considerable, Likelihood::Medium), 3);
        assert_eq!(risk(Severity::Major, Likelihood::Low), 3);
        assert_eq!(risk(Severity::Catastrophic, Likelihood::Low), 4);
    }
}
