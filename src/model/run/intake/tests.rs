//! Unit tests of the intake: cadence, decisions and escalation.

use super::*;
use crate::engine::RngFactory;
use crate::model::run::testing::{Bench, model, org};

/// One stream served by a matrix of one `dev` department (every task is
/// a request), with the coordination table `coordination`.
fn matrix(coordination: &str) -> crate::model::ModelSpec {
    model(&format!(
        r#"
[[workload.streams]]
name = "s"
interarrival = {{ dist = "constant", value = 1 }}
item = "job"
[workload.items.job]
tasks = [ {{ name = "work", skill = "dev", effort = {{ dist = "constant", value = 1 }} }} ]
[organization]
people = {{ dev = 1 }}
[coordination]
{coordination}
[[topologies]]
name = "matrix"
kind = "matrix"
"#
    ))
}

fn at(bench: &mut Bench, t: f64) {
    bench.cal.schedule_at(
        t,
        Any::Probe(crate::model::run::probes::Event::FlowSample(0)),
    );
    bench.next(t);
}

#[test]
fn a_request_handed_over_between_boundaries_is_parked_until_the_next() {
    let sc = matrix("intake_cadence = 10");
    let org = org(&sc);
    let rngs = RngFactory::new(1).replication(0);
    let mut intake = Intake::new(&org, &rngs, 0.0);
    let mut bench = Bench::new();
    at(&mut bench, 3.0);
    let tr = bench.item(0, 0, 1.0, true);
    assert_eq!(intake.ready(&mut bench.cx(), tr, None), None, "parked");
    assert_eq!(bench.next(100.0), Some(Any::Intake(Event::Planned)));
    assert_eq!(bench.cal.now(), 10.0);
    let back = intake.handle(&mut bench.cx(), Event::Planned);
    assert_eq!(back, Some(tr), "no decision step: into the backlog");
    let task = bench.items.task(tr);
    assert_eq!(task.at(Stamp::HandedOver), 3.0);
    assert_eq!(task.at(Stamp::Planned), 10.0);
    assert_eq!(task.at(Stamp::Decided), 10.0);
    assert_eq!(bench.items.item(tr.slot()).handoffs, 1);
}

/// The requests parked for one boundary leave their queue in the order
/// their own events would have come out of the calendar: one after another
/// while nothing else comes between, and after an event scheduled at the
/// boundary between them.
#[test]
fn requests_at_one_boundary_come_out_in_their_order_around_other_events() {
    let sc = matrix("intake_cadence = 10");
    let org = org(&sc);
    let rngs = RngFactory::new(1).replication(0);
    let mut intake = Intake::new(&org, &rngs, 0.0);
    let mut bench = Bench::new();
    at(&mut bench, 3.0);
    let [first, second, third] = [(); 3].map(|()| bench.item(0, 0, 1.0, true));
    assert_eq!(intake.ready(&mut bench.cx(), first, None), None);
    assert_eq!(intake.ready(&mut bench.cx(), second, None), None);
    let probe = Any::Probe(crate::model::run::probes::Event::FlowSample(7));
    bench.cal.schedule_at(10.0, probe);
    assert_eq!(intake.ready(&mut bench.cx(), third, None), None);
    assert_eq!(bench.cal.len(), 2, "one event for the parked requests");
    assert_eq!(bench.next(100.0), Some(Any::Intake(Event::Planned)));
    assert_eq!(intake.handle(&mut bench.cx(), Event::Planned), Some(first));
    assert_eq!(intake.next_planned(&mut bench.cal, true), Some(second));
    assert_eq!(intake.planned(&mut bench.cx(), second), Some(second));
    assert_eq!(
        intake.next_planned(&mut bench.cal, true),
        None,
        "the probe first"
    );
    assert_eq!(bench.next(100.0), Some(probe));
    assert_eq!(bench.next(100.0), Some(Any::Intake(Event::Planned)));
    assert_eq!(bench.cal.now(), 10.0);
    assert_eq!(intake.handle(&mut bench.cx(), Event::Planned), Some(third));
    assert_eq!(intake.next_planned(&mut bench.cal, true), None);
    assert!(bench.cal.is_empty());
    for tr in [first, second, third] {
        assert_eq!(bench.items.task(tr).at(Stamp::Planned), 10.0);
    }
}

#[test]
fn a_request_on_a_boundary_and_an_internal_task_go_straight_through() {
    let sc = matrix("intake_cadence = 10");
    let org = org(&sc);
    let rngs = RngFactory::new(1).replication(0);
    let mut intake = Intake::new(&org, &rngs, 0.0);
    let mut bench = Bench::new();
    at(&mut bench, 20.0);
    let request = bench.item(0, 0, 1.0, true);
    assert_eq!(intake.ready(&mut bench.cx(), request, None), Some(request));
    // From its own team: no handoff counted, no cadence.
    at(&mut bench, 23.0);
    let internal = bench.item(0, 0, 1.0, false);
    assert_eq!(
        intake.ready(&mut bench.cx(), internal, Some(0)),
        Some(internal)
    );
    assert_eq!(bench.items.item(internal.slot()).handoffs, 0);
    assert!(bench.cal.is_empty());
}

#[test]
fn a_leader_decides_one_request_at_a_time_in_arrival_order() {
    let sc = matrix(r#"decision = { dist = "constant", value = 2 }"#);
    let org = org(&sc);
    let rngs = RngFactory::new(1).replication(0);
    let mut intake = Intake::new(&org, &rngs, 0.0);
    let mut bench = Bench::new();
    let first = bench.item(0, 0, 1.0, true);
    let second = bench.item(0, 0, 1.0, true);
    assert_eq!(intake.ready(&mut bench.cx(), first, None), None);
    assert_eq!(intake.ready(&mut bench.cx(), second, None), None);
    assert_eq!(intake.leaders[0].queue.len(), 1, "the second waits");
    let done = bench.next(100.0).expect("a decision is under way");
    assert_eq!(bench.cal.now(), 2.0);
    let Any::Intake(ev) = done else {
        panic!("an intake event")
    };
    assert_eq!(intake.handle(&mut bench.cx(), ev), Some(first));
    assert_eq!(intake.leaders[0].current, Some(second));
    let Some(Any::Intake(ev)) = bench.next(100.0) else {
        panic!("the second decision")
    };
    assert_eq!(bench.cal.now(), 4.0);
    assert_eq!(intake.handle(&mut bench.cx(), ev), Some(second));
    assert_eq!(bench.items.task(second).at(Stamp::Decided), 4.0);
}

#[test]
fn every_request_is_escalated_when_the_probability_is_one() {
    let sc =
        matrix(r#"escalation = { probability = 1, decision = { dist = "constant", value = 5 } }"#);
    let org = org(&sc);
    let rngs = RngFactory::new(1).replication(0);
    let mut intake = Intake::new(&org, &rngs, 0.0);
    let mut bench = Bench::new();
    let tr = bench.item(0, 0, 1.0, true);
    assert_eq!(intake.ready(&mut bench.cx(), tr, None), None);
    assert_eq!(bench.items.item(tr.slot()).escalations, 1);
    assert_eq!(intake.executive.current, Some(tr));
    assert_eq!(bench.next(100.0), Some(Any::Intake(Event::ExecutiveDone)));
    assert_eq!(bench.cal.now(), 5.0);
    assert_eq!(
        intake.handle(&mut bench.cx(), Event::ExecutiveDone),
        Some(tr)
    );
    assert!(intake.executive.current.is_none());
}
