//! `services.yaml`: the mobile units' timetables. Zones, days, times and
//! dates are read with the roster's rules (`crate::schedule`), each mistake
//! pointing at its line and column; a `kind: timetable` node must name a
//! unit that exists.

use std::collections::{BTreeMap, HashMap};

use chrono_tz::Tz;
use serde_saphyr::Spanned;

use super::localized::{self, Locales};
use super::nodes::CheckedNodes;
use crate::content::raw::{NodeKind, RawServices, RawStop, RawUnit};
use crate::diagnostics::yaml::spanned;
use crate::diagnostics::{Code, Diagnostic, FileId, SourceMap, did_you_mean};
use crate::schedule::{self, Hours};
use crate::services::{Cancellation, Stop, Timetable, Unit};

/// The timetable (empty without `services.yaml`) and, per node index, the
/// unit a timetable node shows.
pub fn check(
    sources: &SourceMap,
    services: Option<&(FileId, RawServices)>,
    locales: &Locales,
    nodes: &CheckedNodes<'_>,
    push: &mut dyn FnMut(Diagnostic),
) -> Option<(Timetable, HashMap<usize, usize>)> {
    let timetable = match services {
        Some((file, raw)) => Checker {
            sources,
            file: *file,
            locales,
        }
        .timetable(raw, push)?,
        None => Timetable {
            zone: chrono_tz::UTC,
            units: Vec::new(),
        },
    };
    let mut units = HashMap::new();
    for (index, node) in nodes.list.iter().enumerate() {
        let id = &node.raw.id.value;
        match (&node.raw.unit, node.kind) {
            (Some(unit), NodeKind::Timetable) => match timetable.unit_by_id(&unit.value) {
                Some(found) => {
                    units.insert(index, found);
                }
                None => push(
                    Diagnostic::new(
                        Code::ServicesInvalid,
                        format!("`unit: {}` names no unit of services.yaml", unit.value),
                    )
                    .at(spanned(sources, node.file, unit))
                    .help_opt(
                        did_you_mean(&unit.value, timetable.units().iter().map(|u| u.id.as_str()))
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                ),
            },
            (None, NodeKind::Timetable) => push(
                Diagnostic::new(Code::ServicesInvalid, format!("timetable `{id}` names no unit"))
                    .at(spanned(sources, node.file, &node.raw.id))
                    .help("add `unit: <id>` naming a unit of services.yaml"),
            ),
            (Some(unit), _) => push(
                Diagnostic::new(
                    Code::ServicesInvalid,
                    format!("`{id}` has a unit but is not a timetable"),
                )
                .at(spanned(sources, node.file, unit))
                .help("add `kind: timetable`, or remove `unit`"),
            ),
            (None, _) => {}
        }
    }
    Some((timetable, units))
}

struct Checker<'a> {
    sources: &'a SourceMap,
    file: FileId,
    locales: &'a Locales,
}

impl Checker<'_> {
    fn error<T>(&self, at: &Spanned<T>, message: String, help: &str) -> Diagnostic {
        Diagnostic::new(Code::ServicesInvalid, message)
            .at(spanned(self.sources, self.file, at))
            .help(help.to_owned())
    }

    fn timetable(&self, raw: &RawServices, push: &mut dyn FnMut(Diagnostic)) -> Option<Timetable> {
        let zone = match raw.timezone.value.parse::<Tz>() {
            Ok(zone) => Some(zone),
            Err(_) => {
                push(self.error(
                    &raw.timezone,
                    format!("unknown time zone `{}`", raw.timezone.value),
                    "use an IANA zone name such as `Europe/Moscow`",
                ));
                None
            }
        };
        let mut seen: HashMap<&str, &Spanned<String>> = HashMap::new();
        let mut units = Vec::new();
        for unit in &raw.units {
            if seen.insert(&unit.id.value, &unit.id).is_some() {
                push(self.error(
                    &unit.id,
                    format!("unit `{}` is listed twice", unit.id.value),
                    "give each unit its own id",
                ));
            }
            units.push(self.unit(unit, push));
        }
        Some(Timetable {
            zone: zone?,
            units: units.into_iter().collect::<Option<_>>()?,
        })
    }

    fn localized(
        &self,
        map: &Spanned<crate::content::raw::Localized>,
        what: &str,
        push: &mut dyn FnMut(Diagnostic),
    ) -> Option<Vec<String>> {
        localized::check(self.sources, self.file, map, what, self.locales, push)
            .map(|texts| texts.iter().map(|t| t.value.trim().to_owned()).collect())
    }

    fn unit(&self, raw: &RawUnit, push: &mut dyn FnMut(Diagnostic)) -> Option<Unit> {
        let id = &raw.id.value;
        let names = self.localized(&raw.name, &format!("name of unit `{id}`"), push);
        let fill_in = raw.fill_in.as_ref().filter(|f| f.value);
        if let Some(fill_in) = fill_in {
            push(
                Diagnostic::new(
                    Code::OrganisationUnfilled,
                    format!("the timetable of `{id}` is the organisation's to write and still a stand-in"),
                )
                .at(spanned(self.sources, self.file, fill_in))
                .help("list the real stops and hours, then remove `fill_in: true`; until then people are told it is not published"),
            );
        }
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut stops = Vec::new();
        for (index, stop) in raw.stops.iter().enumerate() {
            if ids.insert(&stop.id.value, index).is_some() {
                push(self.error(
                    &stop.id,
                    format!("unit `{id}` has two stops `{}`", stop.id.value),
                    "give each stop its own id",
                ));
            }
            stops.push(self.stop(id, stop, push));
        }
        let mut cancelled: BTreeMap<_, Vec<Cancellation>> = BTreeMap::new();
        for raw_cancel in &raw.cancelled {
            let date = schedule::parse_date(&raw_cancel.date.value)
                .map_err(|p| push(self.error(&raw_cancel.date, p.message, p.help)))
                .ok();
            let stop = match &raw_cancel.stop {
                Some(stop) => match ids.get(stop.value.as_str()) {
                    Some(&index) => Some(Some(index)),
                    None => {
                        push(
                            Diagnostic::new(
                                Code::ServicesInvalid,
                                format!("unit `{id}` has no stop `{}` to cancel", stop.value),
                            )
                            .at(spanned(self.sources, self.file, stop))
                            .help_opt(
                                did_you_mean(&stop.value, ids.keys().copied()).map(|s| format!("did you mean `{s}`?")),
                            ),
                        );
                        None
                    }
                },
                None => Some(None),
            };
            let notes = match &raw_cancel.note {
                Some(note) => Some(self.localized(note, &format!("a cancellation note of `{id}`"), push)),
                None => Some(None),
            };
            if let (Some(date), Some(stop), Some(notes)) = (date, stop, notes) {
                cancelled.entry(date).or_default().push(Cancellation { stop, notes });
            }
        }
        Some(Unit {
            id: id.clone(),
            names: names?,
            stops: stops.into_iter().collect::<Option<_>>()?,
            cancelled,
            fill_in: fill_in.is_some(),
        })
    }

    fn stop(&self, unit: &str, raw: &RawStop, push: &mut dyn FnMut(Diagnostic)) -> Option<Stop> {
        let what = format!("stop `{}` of `{unit}`", raw.id.value);
        let places = self.localized(&raw.place, &format!("place of {what}"), push);
        let addresses = self.localized(&raw.address, &format!("address of {what}"), push);
        let map = match &raw.map {
            Some(map) if !map.value.starts_with("https://") => {
                push(self.error(
                    map,
                    format!("the map link of {what} is not an https link"),
                    "paste the https link of the place from a map service",
                ));
                None
            }
            Some(map) => match crate::links::judge(&map.value) {
                crate::links::Verdict::Refused(why) => {
                    let mut refused = self.error(
                        map,
                        format!("the map link of {what} is a link no page may carry: {why}"),
                        "paste the https link of the place from a map service",
                    );
                    refused.code = Code::RefusedLink;
                    push(refused);
                    None
                }
                _ => Some(Some(map.value.clone())),
            },
            None => Some(None),
        };
        if raw.days.value.is_empty() {
            push(self.error(&raw.days, format!("{what} has no days"), "write mon, tue, ... or daily"));
        }
        let mut days = Vec::new();
        for day in &raw.days.value {
            match schedule::parse_days(&day.value) {
                Ok(parsed) => days.extend(parsed),
                Err(problem) => push(self.error(day, problem.message, problem.help)),
            }
        }
        let time = |raw: &Spanned<String>, push: &mut dyn FnMut(Diagnostic)| {
            schedule::parse_time(&raw.value)
                .map_err(|p| push(self.error(raw, p.message, p.help)))
                .ok()
        };
        let from = time(&raw.from, push);
        let to = time(&raw.to, push);
        Some(Stop {
            id: raw.id.value.clone(),
            places: places?,
            addresses: addresses?,
            map: map?,
            days,
            hours: Hours { from: from?, to: to? },
        })
    }
}
