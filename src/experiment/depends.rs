//! What a run's answer depends on (docs/model.md, *What this depends on*):
//! a quick tornado that every `orgsim run` adds to its report. Each
//! coordination setting the scenario uses is halved, doubled and, where
//! that is a state of the model of its own, switched off, the others as
//! given; every such case runs the same replications' random streams as the
//! settings as given (common random numbers), and measures, per topology
//! but the baseline, the paired difference of the mean lead time against
//! the baseline and whether the verdict (better, worse, no significant
//! difference) changes.
//!
//! A case is a point of `explore` ([`Point`], measured by
//! [`explore::measure`](super::explore::measure)); it differs from an
//! exploration's point in what it varies: a setting of every topology's
//! resolved coordination, scaled, rather than one `--set` path set to a
//! value.

use rayon::prelude::*;

use super::explore::{Point, measure};
use super::options::{RunError, RunOptions};
use super::progress::{Planned, Progress};
use super::results::Experiment;
use super::runner::run_in_current_pool;
use crate::engine::Dist;
use crate::model::Metric;
use crate::model::spec::Coordination;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The headline metric whose paired difference the tornado measures.
pub const METRIC: Metric = Metric::LeadTimeMean;

/// The most items (arrivals, over every case, topology and replication,
/// warm-up included) the default tornado simulates: about a second of one
/// core on the machine of docs/performance.md. Above it, the cases run at
/// fewer replications than the run, and the report says how many.
pub const ITEM_BUDGET: f64 = 300_000.0;

/// The fewest replications a budgeted tornado runs per case (or the run's,
/// if fewer): fewer would leave intervals too wide to call a verdict.
pub const MIN_REPLICATIONS: u32 = 5;

/// How much of the tornado a run computes (`--depends`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Within [`ITEM_BUDGET`]: at fewer replications than the run when the
    /// run's would simulate more items.
    #[default]
    Auto,
    /// At every replication of the run, whatever it costs.
    Full,
    /// No tornado.
    Off,
}

/// A coordination setting the tornado varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `handoff`: a handoff between teams.
    Handoff,
    /// `internal_handoff`: a handoff inside a team.
    InternalHandoff,
    /// `intake_cadence`: days between planning boundaries.
    IntakeCadence,
    /// `decision`: a leader's time per request.
    Decision,
    /// `escalation.probability`: the share of requests escalated.
    EscalationProbability,
    /// `escalation.decision`: the executive's time per escalated request.
    EscalationDecision,
    /// `context_switch`: resuming a task a swarm interrupted.
    ContextSwitch,
    /// `swarm.duration`: how long swarmed people stay away.
    SwarmDuration,
}

impl Setting {
    /// Every setting, in the order the report lists them before ranking.
    pub const ALL: [Setting; 8] = [
        Setting::Handoff,
        Setting::InternalHandoff,
        Setting::IntakeCadence,
        Setting::Decision,
        Setting::EscalationProbability,
        Setting::EscalationDecision,
        Setting::ContextSwitch,
        Setting::SwarmDuration,
    ];

    /// Its key in a `coordination` table (`depends.csv`'s `setting`).
    pub fn key(self) -> &'static str {
        match self {
            Setting::Handoff => "handoff",
            Setting::InternalHandoff => "internal_handoff",
            Setting::IntakeCadence => "intake_cadence",
            Setting::Decision => "decision",
            Setting::EscalationProbability => "escalation.probability",
            Setting::EscalationDecision => "escalation.decision",
            Setting::ContextSwitch => "context_switch",
            Setting::SwarmDuration => "swarm.duration",
        }
    }

    /// The setting whose [`key`](Self::key) is `key`.
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key)
    }

    /// In words, for the report.
    pub fn label(self) -> &'static str {
        match self {
            Setting::Handoff => "handoff time",
            Setting::InternalHandoff => "internal handoff time",
            Setting::IntakeCadence => "intake cadence",
            Setting::Decision => "decision time",
            Setting::EscalationProbability => "escalation probability",
            Setting::EscalationDecision => "executive decision time",
            Setting::ContextSwitch => "context switch",
            Setting::SwarmDuration => "swarm duration",
        }
    }

    /// What switching it off means, in words.
    pub fn off_label(self) -> &'static str {
        match self {
            Setting::Handoff => "no handoff delay between teams",
            Setting::InternalHandoff => "no handoff delay inside teams",
            Setting::IntakeCadence => "continuous intake",
            Setting::Decision => "no decision step",
            Setting::EscalationProbability => "no escalation",
            Setting::EscalationDecision => "instant executive decisions",
            Setting::ContextSwitch => "no context switch",
            Setting::SwarmDuration => "no swarms",
        }
    }

    /// Whether switching it off is a case of its own: an instant executive
    /// decision is, in lead time, what no escalation is, so only the
    /// escalation probability is switched off.
    pub fn can_switch_off(self) -> bool {
        self != Setting::EscalationDecision
    }

    /// Whether a topology with coordination `c` uses the setting: it is not
    /// zero there (and what it acts on exists: an escalation for the
    /// executive's time, a swarm for the context switch).
    fn used_by(self, c: &Coordination) -> bool {
        match self {
            Setting::Handoff => !c.handoff.is_zero(),
            Setting::InternalHandoff => !c.internal_handoff.is_zero(),
            Setting::IntakeCadence => c.intake_cadence > 0.0,
            Setting::Decision => !c.decision.is_zero(),
            Setting::EscalationProbability => c.escalation_probability > 0.0,
            Setting::EscalationDecision => {
                c.escalation_probability > 0.0 && !c.escalation_decision.is_zero()
            }
            Setting::ContextSwitch => c.swarm.is_some() && !c.context_switch.is_zero(),
            Setting::SwarmDuration => c.swarm.is_some(),
        }
    }

    /// Its mean value in `c`.
    fn mean(self, c: &Coordination) -> f64 {
        match self {
            Setting::Handoff => c.handoff.mean(),
            Setting::InternalHandoff => c.internal_handoff.mean(),
            Setting::IntakeCadence => c.intake_cadence,
            Setting::Decision => c.decision.mean(),
            Setting::EscalationProbability => c.escalation_probability,
            Setting::EscalationDecision => c.escalation_decision.mean(),
            Setting::ContextSwitch => c.context_switch.mean(),
            Setting::SwarmDuration => c.swarm.as_ref().map_or(0.0, |s| s.duration.mean()),
        }
    }

    /// Applies `variant` to `c`. A doubled probability stops at 1.
    fn apply(self, c: &mut Coordination, variant: Variant) {
        let f = variant.factor();
        let zero = || Dist::constant(0.0).expect("0 is a valid constant");
        let scale = |d: &mut Dist| {
            *d = if f == 0.0 { zero() } else { d.scaled(f) };
        };
        match self {
            Setting::Handoff => scale(&mut c.handoff),
            Setting::InternalHandoff => scale(&mut c.internal_handoff),
            Setting::IntakeCadence => c.intake_cadence *= f,
            Setting::Decision => scale(&mut c.decision),
            Setting::EscalationProbability => {
                c.escalation_probability = (c.escalation_probability * f).min(1.0);
            }
            Setting::EscalationDecision => scale(&mut c.escalation_decision),
            Setting::ContextSwitch => scale(&mut c.context_switch),
            Setting::SwarmDuration => {
                if f == 0.0 {
                    c.swarm = None;
                } else if let Some(s) = &mut c.swarm {
                    s.duration = s.duration.scaled(f);
                }
            }
        }
    }
}

/// What a case does to its setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// As the scenario gives it.
    Nominal,
    /// Halved.
    Halved,
    /// Doubled.
    Doubled,
    /// Switched off (zero, or no swarm).
    Off,
}

impl Variant {
    /// Its name in `depends.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Nominal => "nominal",
            Variant::Halved => "halved",
            Variant::Doubled => "doubled",
            Variant::Off => "off",
        }
    }

    /// The variant called `name`.
    pub fn from_name(name: &str) -> Option<Variant> {
        [
            Variant::Nominal,
            Variant::Halved,
            Variant::Doubled,
            Variant::Off,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }

    /// The factor it multiplies the setting by.
    pub fn factor(self) -> f64 {
        match self {
            Variant::Nominal => 1.0,
            Variant::Halved => 0.5,
            Variant::Doubled => 2.0,
            Variant::Off => 0.0,
        }
    }
}

/// What a paired difference of lead times says, read off its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The topology's lead time is shorter than the baseline's (the whole
    /// interval below zero).
    Better,
    /// It is longer (the whole interval above zero).
    Worse,
    /// The interval holds zero.
    NotSignificant,
    /// The topology or the baseline cannot keep up: its lead times only
    /// measure the run length, and no difference of them means anything.
    Unstable,
    /// No interval (too few replications or no item completed).
    Undefined,
}

impl Verdict {
    /// The verdict of the paired difference `d` (unstable when `unstable`).
    pub fn of(d: &Summary, unstable: bool) -> Verdict {
        if unstable {
            Verdict::Unstable
        } else if !(d.ci_low.is_finite() && d.ci_high.is_finite()) {
            Verdict::Undefined
        } else if d.ci_high < 0.0 {
            Verdict::Better
        } else if d.ci_low > 0.0 {
            Verdict::Worse
        } else {
            Verdict::NotSignificant
        }
    }

    /// Its name in `depends.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::NotSignificant => "not significant",
            Verdict::Unstable => "unstable",
            Verdict::Undefined => "undefined",
        }
    }

    /// The verdict called `name`.
    pub fn from_name(name: &str) -> Option<Verdict> {
        [
            Verdict::Better,
            Verdict::Worse,
            Verdict::NotSignificant,
            Verdict::Unstable,
            Verdict::Undefined,
        ]
        .into_iter()
        .find(|v| v.name() == name)
    }

    /// Whether a number can be shown for it.
    pub fn is_meaningful(self) -> bool {
        !matches!(self, Verdict::Unstable | Verdict::Undefined)
    }
}

/// One case of the tornado: a setting, what was done to it, its mean value
/// then (`None` where the topologies using it differ), and what it measured.
#[derive(Debug, Clone)]
pub struct Case {
    /// The setting varied.
    pub setting: Setting,
    /// How.
    pub variant: Variant,
    /// The setting's mean value in the topologies that use it, when they
    /// agree.
    pub value: Option<f64>,
    /// What the case measured (`results`: per topology its mean lead time,
    /// then per topology but the baseline its paired difference).
    pub point: Point,
}

/// The quick tornado of a run.
#[derive(Debug, Clone)]
pub struct Depends {
    /// The topologies, baseline (the first run) first.
    pub topologies: Vec<String>,
    /// Replications per case.
    pub replications: u32,
    /// The run's own replications.
    pub of: u32,
    /// The settings as given, at `replications` replications.
    pub nominal: Point,
    /// Per setting used, its cases, in [`Setting::ALL`] order.
    pub cases: Vec<Case>,
}

/// One line of `depends.csv`: a case (or the settings as given) and one
/// topology's paired difference against the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The setting's key (empty for the settings as given).
    pub setting: String,
    /// The variant's name.
    pub variant: String,
    /// The factor applied.
    pub factor: f64,
    /// The setting's value (mean) in the case; NaN when unknown.
    pub value: f64,
    /// The topology.
    pub topology: String,
    /// The baseline.
    pub baseline: String,
    /// The paired difference of [`METRIC`] and its interval.
    pub difference: Summary,
    /// What it says.
    pub verdict: Verdict,
    /// Whether it says something else than with the settings as given
    /// (never where either cannot say anything: unstable or undefined).
    pub changes: bool,
}

/// The settings of [`Setting::ALL`] that some topology of `scenario` named in
/// `topologies` (empty: all) uses.
pub fn settings_used(scenario: &Scenario, topologies: &[String]) -> Vec<Setting> {
    let run: Vec<&Coordination> = scenario
        .model
        .topologies
        .iter()
        .filter(|t| topologies.is_empty() || topologies.contains(&t.name))
        .flat_map(|t| {
            // A transition uses its target's settings too.
            let to = t.transition.as_ref().map(|tr| &tr.to.coordination);
            std::iter::once(&t.coordination).chain(to)
        })
        .collect();
    Setting::ALL
        .into_iter()
        .filter(|s| run.iter().any(|c| s.used_by(c)))
        .collect()
}

/// The variants the tornado tries for `setting`.
pub fn variants(setting: Setting) -> Vec<Variant> {
    let mut v = vec![Variant::Halved, Variant::Doubled];
    if setting.can_switch_off() {
        v.push(Variant::Off);
    }
    v
}

/// `scenario` with `variant` applied to `setting` in every topology that
/// uses it, and the setting's mean value there when those topologies agree.
fn varied(scenario: &Scenario, setting: Setting, variant: Variant) -> (Scenario, Option<f64>) {
    let mut s = scenario.clone();
    let mut values = Vec::new();
    for t in &mut s.model.topologies {
        if setting.used_by(&t.coordination) {
            setting.apply(&mut t.coordination, variant);
            values.push(setting.mean(&t.coordination));
        }
        // A transition's target is varied as the topology it copies is.
        if let Some(to) = t.transition.as_mut().map(|tr| &mut tr.to.coordination)
            && setting.used_by(to)
        {
            setting.apply(to, variant);
            values.push(setting.mean(to));
        }
    }
    let value = values.first().copied().filter(|v| {
        values
            .iter()
            .all(|w| (w - v).abs() <= 1e-12 * v.abs().max(1.0))
    });
    (s, value)
}

/// Replications per case: the run's under [`Mode::Full`]; otherwise as many
/// as keep the cases' items within [`ITEM_BUDGET`] (the run's items per
/// replication, from its `arrived` over warm-up and horizon), at least
/// [`MIN_REPLICATIONS`] and at most the run's.
pub fn replications(exp: &Experiment, cases: usize, mode: Mode) -> u32 {
    let of = exp.scenario.run.replications;
    if mode == Mode::Full || cases == 0 {
        return of;
    }
    let sim = &exp.scenario.run;
    let stretch = (sim.warmup.start() + sim.horizon) / sim.horizon;
    let per_replication: f64 = exp
        .topologies
        .iter()
        .map(|t| Summary::of(t.metric("arrived").unwrap_or(&[])).mean * stretch)
        .filter(|x| x.is_finite())
        .sum();
    if per_replication <= 0.0 {
        return of;
    }
    let fit = (ITEM_BUDGET / (cases as f64 * per_replication)).floor();
    let fit = if fit >= f64::from(of) { of } else { fit as u32 };
    fit.max(MIN_REPLICATIONS.min(of))
}

/// Runs the tornado of the run `exp` (made with `options`) on the current
/// pool, or `None` under [`Mode::Off`] or when fewer than two topologies
/// ran (there is no verdict to test).
pub fn run(
    exp: &Experiment,
    options: &RunOptions,
    mode: Mode,
    progress: &dyn Progress,
) -> Result<Option<Depends>, RunError> {
    if mode == Mode::Off || exp.topologies.len() < 2 {
        return Ok(None);
    }
    let topologies: Vec<String> = exp.topologies.iter().map(|t| t.name.clone()).collect();
    let settings = settings_used(&exp.scenario, &topologies);
    let plan: Vec<(Setting, Variant)> = settings
        .iter()
        .flat_map(|&s| variants(s).into_iter().map(move |v| (s, v)))
        .collect();
    let of = exp.scenario.run.replications;
    let replications = replications(exp, plan.len(), mode);
    // The settings as given: the run itself when it ran as many
    // replications, else a run at the tornado's count.
    let rerun_nominal = replications != of;
    let jobs = (plan.len() + usize::from(rerun_nominal)) as u64
        * topologies.len() as u64
        * u64::from(replications);
    progress.add_jobs(jobs);
    let case_options = RunOptions {
        replications: Some(replications),
        seed: Some(exp.scenario.run.seed),
        topologies: topologies.clone(),
        keep_items: false,
        flow_charts: false,
        over_time: false,
        precision: None,
        max_replications: None,
        ..options.clone()
    };
    let metrics = [METRIC.name().to_owned()];
    let baseline = topologies[0].as_str();
    let point = |exp: &Experiment| {
        measure(exp, Vec::new(), baseline, &metrics).expect("the baseline ran in every case")
    };
    let planned = Planned(progress);
    let nominal = if rerun_nominal {
        point(&run_in_current_pool(
            &exp.scenario,
            &case_options,
            &planned,
        )?)
    } else {
        point(exp)
    };
    let cases = plan
        .into_par_iter()
        .map(|(setting, variant)| {
            let (scenario, value) = varied(&exp.scenario, setting, variant);
            let run = run_in_current_pool(&scenario, &case_options, &planned)?;
            Ok(Case {
                setting,
                variant,
                value,
                point: point(&run),
            })
        })
        .collect::<Result<Vec<Case>, RunError>>()?;
    Ok(Some(Depends {
        topologies,
        replications,
        of,
        nominal,
        cases,
    }))
}

impl Depends {
    /// The rows of `depends.csv`: per topology but the baseline, the
    /// settings as given, then every case.
    pub fn rows(&self) -> Vec<Row> {
        let baseline = &self.topologies[0];
        let nt = self.topologies.len();
        let mut rows = Vec::new();
        for (k, t) in self.topologies.iter().enumerate().skip(1) {
            let diff_of = |p: &Point| p.results[nt + k - 1];
            let unstable = |p: &Point| p.unstable.iter().any(|u| u == t || u == baseline);
            let nominal = Verdict::of(&diff_of(&self.nominal), unstable(&self.nominal));
            rows.push(Row {
                setting: String::new(),
                variant: Variant::Nominal.name().to_owned(),
                factor: 1.0,
                value: f64::NAN,
                topology: t.clone(),
                baseline: baseline.clone(),
                difference: diff_of(&self.nominal),
                verdict: nominal,
                changes: false,
            });
            for c in &self.cases {
                let verdict = Verdict::of(&diff_of(&c.point), unstable(&c.point));
                rows.push(Row {
                    setting: c.setting.key().to_owned(),
                    variant: c.variant.name().to_owned(),
                    factor: c.variant.factor(),
                    value: c.value.unwrap_or(f64::NAN),
                    topology: t.clone(),
                    baseline: baseline.clone(),
                    difference: diff_of(&c.point),
                    verdict,
                    changes: verdict != nominal
                        && verdict.is_meaningful()
                        && nominal.is_meaningful(),
                });
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn scenario(coordination: &str, swarm: &str) -> Scenario {
        let text = format!(
            r#"
name = "t"
[simulation]
horizon = 100
replications = 4
[workload]
[[workload.streams]]
name = "a"
interarrival = {{ dist = "exponential", mean = 2 }}
items = [ {{ type = "f", weight = 1 }} ]
[[workload.streams]]
name = "b"
interarrival = {{ dist = "exponential", mean = 2 }}
items = [ {{ type = "f", weight = 1 }} ]
[workload.items.f]
tasks = [ {{ name = "w", skill = "eng", effort = {{ dist = "exponential", mean = 0.5 }} }} ]
[organization]
people = {{ eng = 4 }}
[coordination]
{coordination}
[[topologies]]
name = "matrix"
kind = "matrix"
{swarm}
[[topologies]]
name = "single-threaded"
kind = "single-threaded"
"#
        );
        load_str("t.toml", &text, &[]).unwrap()
    }

    #[test]
    fn only_the_settings_a_scenario_uses_are_varied() {
        let s = scenario("intake_cadence = 10\nhandoff = 1", "");
        assert_eq!(
            settings_used(&s, &[]),
            vec![Setting::Handoff, Setting::IntakeCadence]
        );
        // The context switch acts only where people are swarmed.
        let s = scenario(
            "decision = 0.25\nescalation = { probability = 0.1, decision = 0.5 }",
            "swarm = { interval = 6, duration = 10, fraction = 0.3 }",
        );
        assert_eq!(
            settings_used(&s, &[]),
            vec![
                Setting::Decision,
                Setting::EscalationProbability,
                Setting::EscalationDecision,
                Setting::ContextSwitch,
                Setting::SwarmDuration
            ]
        );
        assert_eq!(
            settings_used(&s, &["single-threaded".to_owned()]),
            vec![
                Setting::Decision,
                Setting::EscalationProbability,
                Setting::EscalationDecision
            ]
        );
    }

    #[test]
    fn a_variant_scales_the_setting_in_every_topology_that_uses_it() {
        let s = scenario(
            "handoff = { dist = \"triangular\", min = 0.5, mode = 1, max = 3 }\nintake_cadence = 10\nescalation = { probability = 0.6, decision = 0.5 }",
            "",
        );
        let (half, v) = varied(&s, Setting::Handoff, Variant::Halved);
        assert_eq!(v, Some(0.75));
        for t in &half.model.topologies {
            assert!((t.coordination.handoff.mean() - 0.75).abs() < 1e-12);
            assert_eq!(t.coordination.intake_cadence, 10.0, "others untouched");
        }
        let (off, v) = varied(&s, Setting::IntakeCadence, Variant::Off);
        assert_eq!(v, Some(0.0));
        assert!(
            off.model
                .topologies
                .iter()
                .all(|t| t.coordination.intake_cadence == 0.0)
        );
        let (double, v) = varied(&s, Setting::EscalationProbability, Variant::Doubled);
        assert_eq!(v, Some(1.0), "a probability stops at 1");
        assert!(
            double
                .model
                .topologies
                .iter()
                .all(|t| t.coordination.escalation_probability == 1.0)
        );
        assert_eq!(variants(Setting::EscalationDecision).len(), 2);
        assert_eq!(variants(Setting::IntakeCadence).len(), 3);
    }

    #[test]
    fn the_verdict_is_read_off_the_interval() {
        let d = |lo: f64, hi: f64| Summary {
            n: 10,
            mean: (lo + hi) / 2.0,
            sd: 1.0,
            ci_low: lo,
            ci_high: hi,
        };
        assert_eq!(Verdict::of(&d(-3.0, -1.0), false), Verdict::Better);
        assert_eq!(Verdict::of(&d(1.0, 3.0), false), Verdict::Worse);
        assert_eq!(Verdict::of(&d(-1.0, 3.0), false), Verdict::NotSignificant);
        assert_eq!(Verdict::of(&d(-3.0, -1.0), true), Verdict::Unstable);
        assert_eq!(
            Verdict::of(&d(f64::NAN, f64::NAN), false),
            Verdict::Undefined
        );
        for v in [
            Verdict::Better,
            Verdict::Worse,
            Verdict::NotSignificant,
            Verdict::Unstable,
            Verdict::Undefined,
        ] {
            assert_eq!(Verdict::from_name(v.name()), Some(v));
        }
    }
}
