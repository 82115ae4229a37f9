//! The categories an item's lead time is split into along its critical path
//! (docs/model.md, "Metrics").

/// Where a stretch of an item's lead time went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A person working on the task.
    Work,
    /// Waiting in a team's backlog for a free person of the right skill.
    Queue,
    /// Being handed over between people or teams.
    Handoff,
    /// Waiting for the receiving team's next planning boundary.
    Cadence,
    /// Waiting for, and getting, a team leader's decision.
    Decision,
    /// Waiting for, and getting, the executive's decision.
    Escalation,
    /// Paused while its person was pulled to a temporary project.
    Interrupted,
    /// Redoing work to fix a defect caught in review.
    Rework,
    /// Waiting for, and getting, a bar raiser's review.
    Review,
}

impl Category {
    /// Every category, in the order of the output files.
    pub const ALL: [Category; 9] = [
        Category::Work,
        Category::Queue,
        Category::Handoff,
        Category::Cadence,
        Category::Decision,
        Category::Escalation,
        Category::Interrupted,
        Category::Rework,
        Category::Review,
    ];

    /// The category's name in output files (`work`, `queue`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Category::Work => "work",
            Category::Queue => "queue",
            Category::Handoff => "handoff",
            Category::Cadence => "cadence",
            Category::Decision => "decision",
            Category::Escalation => "escalation",
            Category::Interrupted => "interrupted",
            Category::Rework => "rework",
            Category::Review => "review",
        }
    }

    /// Whether the category is part of the coordination delay
    /// (handoff + cadence + decision + escalation).
    pub fn is_coordination(self) -> bool {
        matches!(
            self,
            Category::Handoff | Category::Cadence | Category::Decision | Category::Escalation
        )
    }
}

/// Time per category, in days.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Breakdown(pub [f64; 9]);

impl Breakdown {
    /// Time spent in `c`.
    pub fn get(&self, c: Category) -> f64 {
        self.0[c as usize]
    }

    /// Adds `days` to `c`.
    pub fn add(&mut self, c: Category, days: f64) {
        self.0[c as usize] += days;
    }

    /// Adds every category of `other`.
    pub fn add_all(&mut self, other: &Breakdown) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    /// Sum over all categories.
    pub fn total(&self) -> f64 {
        self.0.iter().sum()
    }

    /// Sum of the coordination categories.
    pub fn coordination(&self) -> f64 {
        Category::ALL
            .iter()
            .filter(|c| c.is_coordination())
            .map(|&c| self.get(c))
            .sum()
    }
}
