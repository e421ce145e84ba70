//! The service-level engine's rules, as unit and property tests: a Berlin calendar
//! across both DST changes and over holidays, a pause over a weekend, and the
//! invariants any calendar and any history must keep.

use jiff::civil::date;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::calendar::{CalendarSpec, HolidaySpec};
use super::condition::{Condition, Facts};
use super::definition::{Definition, Targets};
use super::*;

const H: i64 = 3_600_000;

fn berlin(y: i16, m: i8, d: i8, h: i8, min: i8) -> i64 {
    let tz = TimeZone::get("Europe/Berlin").unwrap();
    tz.to_ambiguous_timestamp(date(y, m, d).at(h, min, 0, 0)).compatible().unwrap().as_millisecond()
}

fn office(holidays: Vec<HolidaySpec>) -> Calendar {
    let mut spec = CalendarSpec { time_zone: "Europe/Berlin".into(), holidays, ..CalendarSpec::default() };
    for d in ["mon", "tue", "wed", "thu", "fri"] {
        spec.hours.insert(d.into(), vec!["09:00-17:00".into()]);
    }
    spec.check(None).unwrap()
}

fn definition() -> Definition {
    Definition {
        id: crate::ids::DefinitionId(1),
        name: "Standard".into(),
        kind: "sla".into(),
        calendar: "Office".into(),
        position: 0,
        enabled: true,
        applies_when: vec![],
        targets: Targets { first_response_minutes: Some(60), resolution_minutes: Some(240), next_update_minutes: None },
        start_when: vec![],
        pause_when: vec![Condition::is("status", &["on_hold"])],
        stop_when: vec![],
        reset_when: vec![],
        cancel_when: vec![],
        warnings: vec![50, 75, 90],
        warn_to: vec!["assignee".into()],
        breach_actions: vec![],
    }
}

fn facts(status: &str) -> Facts {
    Facts { kind: "incident".into(), status: status.into(), priority: 3, ..Facts::default() }
}

fn step(at: i64, status: &str) -> Step {
    Step { at, facts: facts(status) }
}

fn year(cal: &Calendar) -> Schedule {
    cal.schedule(berlin(2026, 1, 1, 0, 0), berlin(2027, 12, 31, 0, 0))
}

#[test]
fn a_working_day_in_berlin_lasts_23_and_25_hours_on_the_dst_changes() {
    let mut spec = CalendarSpec { time_zone: "Europe/Berlin".into(), ..CalendarSpec::default() };
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        spec.hours.insert(d.into(), vec!["00:00-24:00".into()]);
    }
    let s = year(&spec.check(None).unwrap());
    assert_eq!(s.open_ms(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0)), 23 * H);
    assert_eq!(s.open_ms(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 26, 0, 0)), 25 * H);
    // Hours that cross the skipped hour count only the hours that exist.
    let mut night = CalendarSpec { time_zone: "Europe/Berlin".into(), ..CalendarSpec::default() };
    night.hours.insert("sun".into(), vec!["01:00-04:00".into()]);
    let s = year(&night.check(None).unwrap());
    assert_eq!(s.open_ms(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0)), 2 * H);
}

#[test]
fn a_due_time_across_the_spring_dst_weekend_lands_in_office_hours() {
    let s = year(&office(vec![]));
    // Friday 16:00 (CET) + 4 business hours: 1 h on Friday, 3 h on Monday (CEST).
    let due = s.add(berlin(2026, 3, 27, 16, 0), 4 * H).unwrap();
    assert_eq!(due, berlin(2026, 3, 30, 12, 0));
    assert_eq!(due, jiff::Timestamp::from_second(1_774_864_800).unwrap().as_millisecond(), "10:00 UTC: Berlin is UTC+2 after the change");
}

#[test]
fn holidays_close_whole_days_and_partial_days_keep_their_hours() {
    let holidays = vec![
        HolidaySpec { date: "2026-12-24".into(), name: "Christmas Eve".into(), hours: vec!["09:00-12:00".into()] },
        HolidaySpec { date: "2026-12-25".into(), name: "Christmas".into(), hours: vec![] },
    ];
    let s = year(&office(holidays));
    // 1 h on the 23rd, 3 h on the 24th, the 25th closed, then the weekend: Monday 10:00.
    assert_eq!(s.add(berlin(2026, 12, 23, 16, 0), 5 * H), Some(berlin(2026, 12, 28, 10, 0)));
    assert_eq!(s.open_ms(berlin(2026, 12, 24, 0, 0), berlin(2026, 12, 26, 0, 0)), 3 * H);
}

#[test]
fn a_regional_calendar_adds_its_holidays_to_its_base() {
    let base = office(vec![HolidaySpec { date: "2026-12-25".into(), ..HolidaySpec::default() }]);
    let local =
        CalendarSpec { holidays: vec![HolidaySpec { date: "2026-11-11".into(), ..HolidaySpec::default() }], ..CalendarSpec::default() };
    let regional = local.check(Some(&base)).unwrap();
    assert_eq!(regional.tz, base.tz);
    assert!(regional.holidays.contains_key(&date(2026, 12, 25)) && regional.holidays.contains_key(&date(2026, 11, 11)));
    assert_eq!(year(&regional).open_ms(berlin(2026, 11, 11, 0, 0), berlin(2026, 11, 12, 0, 0)), 0);
}

#[test]
fn a_pause_over_the_weekend_stops_the_clock() {
    let s = year(&office(vec![]));
    let steps = [
        step(berlin(2026, 6, 5, 15, 0), "new"),
        step(berlin(2026, 6, 5, 16, 0), "on_hold"),
        step(berlin(2026, 6, 8, 11, 0), "in_progress"),
    ];
    let c = measure(&definition(), Target::Resolution, 4 * H, &s, &steps, berlin(2026, 6, 8, 13, 0));
    assert_eq!(c.state, State::Running);
    assert_eq!(c.elapsed_ms, 3 * H, "Friday 15-16 and Monday 11-13");
    assert_eq!(c.paused_ms, berlin(2026, 6, 8, 11, 0) - berlin(2026, 6, 5, 16, 0));
    assert_eq!(c.due_at, Some(berlin(2026, 6, 8, 14, 0)));
    let marks: Vec<Mark> = c.timeline.iter().map(|m| m.1).collect();
    assert_eq!(marks, [Mark::Started, Mark::Paused, Mark::Resumed]);
}

#[test]
fn breach_met_reopen_and_cancel() {
    let s = year(&office(vec![]));
    let d = definition();
    let mon = |h| berlin(2026, 6, 8, h, 0);
    let late = [step(mon(9), "new"), step(mon(15), "resolved")];
    let c = measure(&d, Target::Resolution, 4 * H, &s, &late, mon(16));
    assert_eq!((c.state, c.met(), c.breached_at), (State::Stopped, Some(false), Some(mon(13))));
    let on_time = [step(mon(9), "new"), step(mon(12), "resolved")];
    assert_eq!(measure(&d, Target::Resolution, 4 * H, &s, &on_time, mon(16)).met(), Some(true));
    // A reopen resumes the clock where it stopped.
    let reopened = [step(mon(9), "new"), step(mon(12), "resolved"), step(mon(14), "in_progress")];
    let c = measure(&d, Target::Resolution, 4 * H, &s, &reopened, mon(15));
    assert_eq!((c.state, c.elapsed_ms, c.breached_at), (State::Running, 4 * H, Some(mon(15))), "running with no time left is breached");
    let c = measure(&d, Target::Resolution, 4 * H, &s, &reopened, mon(16));
    assert_eq!((c.elapsed_ms, c.breached_at), (5 * H, Some(mon(15))));
    let cancelled = [step(mon(9), "new"), step(mon(10), "cancelled")];
    let c = measure(&d, Target::Resolution, 4 * H, &s, &cancelled, mon(16));
    assert_eq!((c.state, c.elapsed_ms, c.due_at), (State::Cancelled, H, None));
}

#[test]
fn first_response_stops_at_the_first_agent_reply_and_next_update_restarts_at_each() {
    let s = year(&office(vec![]));
    let mut d = definition();
    d.targets.next_update_minutes = Some(120);
    let mon = |h| berlin(2026, 6, 8, h, 0);
    let replied = |at, n| Step { at, facts: Facts { agent_replies: n, ..facts("in_progress") } };
    let steps = [step(mon(9), "new"), replied(mon(10), 1), replied(mon(13), 2)];
    let first = measure(&d, Target::FirstResponse, H, &s, &steps, mon(14));
    assert_eq!((first.state, first.met()), (State::Stopped, Some(true)));
    let next = measure(&d, Target::NextUpdate, 2 * H, &s, &steps, mon(14));
    assert_eq!((next.state, next.elapsed_ms, next.due_at), (State::Running, H, Some(mon(15))));
    assert_eq!(next.timeline.iter().filter(|m| m.1 == Mark::Reset).count(), 2);
    assert_eq!(next.timeline.iter().filter(|m| m.1 == Mark::Breached).count(), 1, "10:00 to 13:00 was over 2 h");
}

#[test]
fn alarms_come_at_the_thresholds_then_the_breach() {
    let s = year(&office(vec![]));
    let mon = |h, m| berlin(2026, 6, 8, h, m);
    let c = measure(&definition(), Target::Resolution, 4 * H, &s, &[step(mon(9, 0), "new")], mon(9, 0));
    assert_eq!(c.next_alarm(&s, &[50, 75, 90], mon(9, 0)), Some((mon(11, 0), Some(50))));
    let c = measure(&definition(), Target::Resolution, 4 * H, &s, &[step(mon(9, 0), "new")], mon(12, 40));
    assert_eq!(c.next_alarm(&s, &[50, 75, 90], mon(12, 40)), Some((mon(13, 0), None)), "past 90 %: the breach is next");
}

#[test]
fn bad_definitions_and_calendars_name_the_problem() {
    let bad_tz = CalendarSpec { time_zone: "Mars/Olympus".into(), ..CalendarSpec::default() }.check(None).unwrap_err().to_string();
    assert!(bad_tz.contains("unknown time zone 'Mars/Olympus'"), "{bad_tz}");
    let mut overlap = CalendarSpec { time_zone: "UTC".into(), ..CalendarSpec::default() };
    overlap.hours.insert("mon".into(), vec!["09:00-12:00".into(), "11:00-13:00".into()]);
    assert!(overlap.check(None).unwrap_err().to_string().contains("09:00-12:00 overlaps 11:00-13:00"));
    let mut d = definition();
    d.targets.resolution_minutes = Some(0);
    assert!(d.check().unwrap_err().to_string().starts_with("targets.resolution_minutes"));
    let mut d = definition();
    d.pause_when = vec![Condition::is("colour", &["red"])];
    assert!(d.check().unwrap_err().to_string().contains("unknown field 'colour'"));
    assert!(definition().check().is_ok());
}

fn any_calendar() -> impl Strategy<Value = Calendar> {
    // Per weekday: closed, or one or two ranges on a 30-minute grid.
    let day = prop_oneof![
        Just(vec![]),
        (0u16..40, 1u16..8).prop_map(|(a, l)| vec![format!("{:02}:{:02}-{:02}:{:02}", a / 2, a % 2 * 30, (a + l) / 2, (a + l) % 2 * 30)]),
        (0u16..20, 1u16..6, 1u16..6, 1u16..10).prop_map(|(a, l1, gap, l2)| {
            let f = |x: u16| format!("{:02}:{:02}", x / 2, x % 2 * 30);
            vec![format!("{}-{}", f(a), f(a + l1)), format!("{}-{}", f(a + l1 + gap), f((a + l1 + gap + l2).min(48)))]
        }),
    ];
    (proptest::collection::vec(day, 7), prop_oneof![Just("Europe/Berlin"), Just("America/New_York"), Just("Asia/Kolkata"), Just("UTC")])
        .prop_filter_map("some working hours", |(days, tz)| {
            let mut spec = CalendarSpec { time_zone: tz.into(), ..CalendarSpec::default() };
            for (d, h) in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].iter().zip(days) {
                if !h.is_empty() {
                    spec.hours.insert(d.to_string(), h);
                }
            }
            spec.check(None).ok()
        })
}

const T0: i64 = 1_767_225_600_000; // 2026-01-01T00:00Z

fn history(times: &[i64], statuses: &[u8]) -> Vec<Step> {
    let mut at = T0;
    let mut steps = vec![step(at, "new")];
    for (dt, s) in times.iter().zip(statuses) {
        at += dt;
        steps.push(step(at, ["in_progress", "on_hold", "resolved"][usize::from(*s % 3)]));
    }
    steps
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn due_instants_fall_in_working_hours(cal in any_calendar(), start in 0i64..(200 * 24 * H), ms in 1i64..(60 * H)) {
        let s = cal.schedule(T0, T0 + 400 * 24 * H);
        if let Some(due) = s.add(T0 + start, ms) {
            prop_assert!(s.touches_hours(due), "due {due} outside hours");
            prop_assert_eq!(s.open_ms(T0 + start, due), ms);
        }
    }

    #[test]
    fn elapsed_never_decreases_as_time_passes(times in proptest::collection::vec(0i64..(48 * H), 0..8), statuses in proptest::collection::vec(any::<u8>(), 8), a in 0i64..(30 * 24 * H), b in 0i64..(30 * 24 * H), cal in any_calendar()) {
        let s = cal.schedule(T0, T0 + 200 * 24 * H);
        let steps = history(&times, &statuses);
        let (early, late) = (T0 + a.min(b), T0 + a.max(b));
        let d = definition();
        let c1 = measure(&d, Target::Resolution, 8 * H, &s, &steps, early);
        let c2 = measure(&d, Target::Resolution, 8 * H, &s, &steps, late);
        prop_assert!(c1.elapsed_ms <= c2.elapsed_ms);
        prop_assert!(c1.paused_ms <= c2.paused_ms);
        prop_assert_eq!(measure(&d, Target::Resolution, 8 * H, &s, &steps, late), c2, "replay is deterministic");
    }

    #[test]
    fn a_pause_takes_out_exactly_its_business_time(p1 in 0i64..(10 * 24 * H), len in 0i64..(5 * 24 * H), after in 0i64..(5 * 24 * H), cal in any_calendar()) {
        let s = cal.schedule(T0, T0 + 100 * 24 * H);
        let d = definition();
        let (pause, resume) = (T0 + p1, T0 + p1 + len);
        let now = resume + after;
        let goal = 10_000 * H;
        let plain = measure(&d, Target::Resolution, goal, &s, &[step(T0, "new")], now);
        let paused = measure(&d, Target::Resolution, goal, &s, &[step(T0, "new"), step(pause, "on_hold"), step(resume, "in_progress")], now);
        prop_assert_eq!(paused.elapsed_ms + s.open_ms(pause, resume), plain.elapsed_ms);
        prop_assert_eq!(paused.paused_ms, len);
    }

    #[test]
    fn the_due_instant_does_not_move_while_the_clock_runs(cal in any_calendar(), a in 0i64..(24 * H), b in 0i64..(24 * H)) {
        let s = cal.schedule(T0, T0 + 400 * 24 * H);
        let d = definition();
        let steps = [step(T0, "new")];
        let c1 = measure(&d, Target::Resolution, 20 * H, &s, &steps, T0 + a.min(b));
        let c2 = measure(&d, Target::Resolution, 20 * H, &s, &steps, T0 + a.max(b));
        prop_assert_eq!(c1.due_at, c2.due_at);
    }

    #[test]
    fn availability_counts_outages_in_hours_once(cal in any_calendar(), outages in proptest::collection::vec((0i64..(30 * 24 * H), 0i64..(3 * 24 * H)), 0..6), extra in (0i64..(30 * 24 * H), 0i64..(3 * 24 * H))) {
        let s = cal.schedule(T0, T0 + 100 * 24 * H);
        let (from, to) = (T0, T0 + 30 * 24 * H);
        let windows: Vec<(i64, Option<i64>)> = outages.iter().map(|&(a, len)| (T0 + a, Some(T0 + a + len))).collect();
        let Some(before) = xla::availability(&s, &windows, from, to) else { return Ok(()) };
        prop_assert!((0.0..=100.0).contains(&before));
        let mut doubled = windows.clone();
        doubled.extend(windows.iter().copied());
        prop_assert_eq!(xla::availability(&s, &doubled, from, to), Some(before), "an outage recorded twice counts once");
        let mut more = windows.clone();
        more.push((T0 + extra.0, Some(T0 + extra.0 + extra.1)));
        let after = xla::availability(&s, &more, from, to).unwrap_or(100.0);
        prop_assert!(after <= before, "another outage never raises availability");
    }
}

#[test]
fn availability_counts_only_the_calendars_hours() {
    let cal = office(vec![]);
    let s = year(&cal);
    // Mon 2026-03-02 to Mon 2026-03-09: five days of eight hours.
    let (from, to) = (berlin(2026, 3, 2, 0, 0), berlin(2026, 3, 9, 0, 0));
    // Down Friday 16:00 to Monday 10:00: one hour on Friday counts, the weekend does not.
    let out = [(berlin(2026, 3, 6, 16, 0), Some(berlin(2026, 3, 9, 10, 0)))];
    let a = xla::availability(&s, &out, from, to).unwrap();
    assert!((a - 100.0 * 39.0 / 40.0).abs() < 1e-9, "{a}");
    // An outage still going counts up to the end of the window.
    let ongoing = [(berlin(2026, 3, 5, 9, 0), None)];
    assert!((xla::availability(&s, &ongoing, from, to).unwrap() - 100.0 * 24.0 / 40.0).abs() < 1e-9);
    // A weekend alone has no hours to be available in.
    assert_eq!(xla::availability(&s, &[], berlin(2026, 3, 7, 0, 0), berlin(2026, 3, 9, 0, 0)), None);
}

#[test]
fn a_definition_after_a_catch_all_of_its_kind_is_named_as_never_applying() {
    use super::definition::shadowed;
    let all = Definition { id: crate::ids::DefinitionId(1), position: 1, ..definition() };
    let p1 = Definition {
        id: crate::ids::DefinitionId(2),
        name: "P1".into(),
        position: 2,
        applies_when: vec![Condition::is("priority", &["1"])],
        ..definition()
    };
    let ola = Definition { id: crate::ids::DefinitionId(3), name: "Desk OLA".into(), kind: "ola".into(), position: 3, ..definition() };
    let off = Definition { id: crate::ids::DefinitionId(4), name: "Old".into(), position: 4, enabled: false, ..definition() };
    let defs = [all.clone(), p1.clone(), ola, off];
    let found: Vec<(&str, &str)> = shadowed(&defs).into_iter().map(|(d, by)| (d.name.as_str(), by.name.as_str())).collect();
    assert_eq!(found, [("P1", "Standard")], "another kind and a disabled one are not shadowed");
    let first = [Definition { position: 0, ..p1 }, all];
    assert!(shadowed(&first).is_empty(), "the specific one placed first applies");
}
