//! Checks `bot.yaml`: locales, numbers, disclaimer, version.

use serde_saphyr::Spanned;

use crate::content::raw::RawManifest;
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, Span, did_you_mean};

use super::localized::{self, Locales};

/// How many taps from /start the emergency page may be, unless the manifest says.
pub const DEFAULT_MAX_EMERGENCY_TAPS: u32 = 1;

/// The manifest's facts the other checks and the builder need.
pub struct Manifest<'a> {
    pub file: FileId,
    pub raw: &'a RawManifest,
    /// Valid, distinct locale codes in manifest order, with the primary
    /// and default among them.
    pub locales: Locales,
    pub default_locale: Option<usize>,
    /// Who may sign pages off: name and role.
    pub reviewers: Vec<(String, String)>,
    pub review_max_age_days: Option<u32>,
    pub max_emergency_taps: u32,
    pub disclaimer: Option<Vec<&'a Spanned<String>>>,
    /// The organisation's name and contact per locale, when complete.
    pub organisation: Option<Vec<(String, String)>>,
    /// Each number with its label per locale (when complete).
    pub numbers: Vec<(String, Vec<String>)>,
}

impl Manifest<'_> {
    pub fn span<T>(&self, sources: &SourceMap, value: &Spanned<T>) -> Span {
        spanned(sources, self.file, value)
    }
}

pub fn check<'a>(
    sources: &SourceMap,
    file: FileId,
    raw: &'a RawManifest,
    push: &mut dyn FnMut(Diagnostic),
) -> Manifest<'a> {
    let span = |location: &serde_saphyr::Location| crate::diagnostics::yaml::span_of(sources, file, location);

    let version = &raw.version.value;
    if !is_version(version) {
        push(
            Diagnostic::new(
                Code::InvalidManifest,
                format!("content version `{version}` is not a plain version string"),
            )
            .at(span(&raw.version.referenced))
            .help("use letters, digits, `.`, `-` and `_`, e.g. `2026.11.24-1`"),
        );
    }

    let mut locale_codes: Vec<String> = Vec::new();
    if raw.locales.value.is_empty() {
        push(
            Diagnostic::new(Code::InvalidManifest, "the manifest lists no locales")
                .at(span(&raw.locales.referenced))
                .help("list at least one, e.g. `- code: ru`"),
        );
    }
    for locale in &raw.locales.value {
        let code = &locale.code.value;
        if !(code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase())) {
            push(
                Diagnostic::new(
                    Code::InvalidManifest,
                    format!("locale code `{code}` is not two lowercase letters"),
                )
                .at(span(&locale.code.referenced))
                .help("use ISO 639-1 codes such as `ru` or `en`: the code travels inside every button"),
            );
        } else if locale_codes.contains(code) {
            push(
                Diagnostic::new(Code::InvalidManifest, format!("locale `{code}` is listed twice"))
                    .at(span(&locale.code.referenced)),
            );
        } else {
            locale_codes.push(code.clone());
        }
        for alias in &locale.also_for {
            let valid = (2..=3).contains(&alias.value.len()) && alias.value.bytes().all(|b| b.is_ascii_lowercase());
            if !valid {
                push(
                    Diagnostic::new(
                        Code::InvalidManifest,
                        format!("`{}` is not a Telegram language code", alias.value),
                    )
                    .at(span(&alias.referenced))
                    .help("use lowercase ISO 639 codes such as `uk` or `kk`"),
                );
            }
        }
    }

    let default = &raw.default_locale.value;
    let default_locale = locale_codes.iter().position(|c| c == default);
    if default_locale.is_none() && !locale_codes.is_empty() {
        let hint = did_you_mean(default, locale_codes.iter().map(String::as_str)).map_or_else(
            || format!("use one of: {}", locale_codes.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        push(
            Diagnostic::new(
                Code::InvalidManifest,
                format!("default locale `{default}` is not in `locales`"),
            )
            .at(span(&raw.default_locale.referenced))
            .help(hint),
        );
    }

    let primary = match &raw.primary_locale {
        Some(primary) => match locale_codes.iter().position(|c| *c == primary.value) {
            Some(index) => index,
            None => {
                if !locale_codes.is_empty() {
                    let hint = did_you_mean(&primary.value, locale_codes.iter().map(String::as_str)).map_or_else(
                        || format!("use one of: {}", locale_codes.join(", ")),
                        |s| format!("did you mean `{s}`?"),
                    );
                    push(
                        Diagnostic::new(
                            Code::InvalidManifest,
                            format!("primary locale `{}` is not in `locales`", primary.value),
                        )
                        .at(span(&primary.referenced))
                        .help(hint),
                    );
                }
                0
            }
        },
        None => 0,
    };
    let locales = Locales {
        default: default_locale.unwrap_or(primary),
        primary,
        codes: locale_codes,
    };
    let reviewers = check_reviewers(sources, file, raw, push);

    if raw.emergency_numbers.value.is_empty() {
        push(
            Diagnostic::new(Code::NoEmergencyNumbers, "the manifest lists no emergency numbers")
                .at(span(&raw.emergency_numbers.referenced))
                .label("every screen shows these numbers")
                .help("add at least `- number: \"112\"` with a label per locale"),
        );
    }
    let mut numbers = Vec::new();
    for entry in &raw.emergency_numbers.value {
        let number = &entry.number.value;
        let valid = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit() || b == b'+' || b == b' ');
        if !valid {
            push(
                Diagnostic::new(Code::InvalidManifest, format!("`{number}` is not a phone number"))
                    .at(span(&entry.number.referenced))
                    .help("write digits only, e.g. \"112\", so Telegram can make it tappable"),
            );
        }
        let what = format!("label of emergency number {number}");
        if let Some(labels) = localized::check(sources, file, &entry.label, &what, &locales, push) {
            numbers.push((number.clone(), labels.iter().map(|l| l.value.clone()).collect()));
        }
    }

    let disclaimer = localized::check(sources, file, &raw.disclaimer, "the disclaimer", &locales, push);
    let organisation = &raw.organisation.value;
    let names = localized::check(
        sources,
        file,
        &organisation.name,
        "the organisation's name",
        &locales,
        push,
    );
    let contacts = localized::check(
        sources,
        file,
        &organisation.contact,
        "the organisation's contact",
        &locales,
        push,
    );
    if let Some(fill_in) = organisation.fill_in.as_ref().filter(|f| f.value) {
        push(
            Diagnostic::new(
                Code::OrganisationUnfilled,
                "the organisation's name and contact are still stand-ins",
            )
            .at(span(&fill_in.referenced))
            .help("write the organisation's own name and contact, then remove `fill_in: true`"),
        );
    }
    let organisation = names.zip(contacts).map(|(names, contacts)| {
        names
            .iter()
            .zip(contacts)
            .map(|(n, c)| (n.value.trim().to_owned(), c.value.trim().to_owned()))
            .collect()
    });

    Manifest {
        file,
        raw,
        locales,
        default_locale,
        reviewers,
        review_max_age_days: raw.review_max_age_days.as_ref().map(|d| d.value),
        max_emergency_taps: raw
            .max_emergency_taps
            .as_ref()
            .map_or(DEFAULT_MAX_EMERGENCY_TAPS, |t| t.value),
        disclaimer,
        organisation,
        numbers,
    }
}

/// Reviewers need a name and a role, and a name may be listed once.
fn check_reviewers(
    sources: &SourceMap,
    file: FileId,
    raw: &RawManifest,
    push: &mut dyn FnMut(Diagnostic),
) -> Vec<(String, String)> {
    let mut reviewers: Vec<(String, String)> = Vec::new();
    for reviewer in &raw.reviewers {
        let name = reviewer.name.value.trim();
        let role = reviewer.role.value.trim();
        let span = spanned(sources, file, &reviewer.name);
        if name.is_empty() || role.is_empty() {
            push(
                Diagnostic::new(Code::InvalidManifest, "a reviewer needs a name and a role")
                    .at(span)
                    .help("write e.g. `- { name: \"Dr N. Ivanova\", role: \"harm-reduction physician\" }`"),
            );
        } else if reviewers.iter().any(|(n, _)| n == name) {
            push(Diagnostic::new(Code::InvalidManifest, format!("reviewer `{name}` is listed twice")).at(span));
        } else {
            reviewers.push((name.to_owned(), role.to_owned()));
        }
    }
    reviewers
}

fn is_version(version: &str) -> bool {
    (1..=40).contains(&version.len())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}
