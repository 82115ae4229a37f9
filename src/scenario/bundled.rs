//! The scenarios shipped inside the binary, so that `orgsim run` works from
//! any folder.

/// A scenario file embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// Its name (`orgsim run <name>`).
    pub name: &'static str,
    /// The name error messages use for it.
    pub file_name: &'static str,
    /// Its TOML text.
    pub text: &'static str,
}

impl Bundled {
    /// The scenario's one-line description (its `description` value).
    pub fn summary(&self) -> String {
        self.text
            .lines()
            .find_map(|l| l.strip_prefix("description = "))
            .map(|d| d.trim().trim_matches('"').to_string())
            .unwrap_or_default()
    }
}

/// The scenario `orgsim run` runs without a file.
pub const DEFAULT: &str = "prime-video";

macro_rules! bundled {
    ($($name:literal),* $(,)?) => {
        &[$(Bundled {
            name: $name,
            file_name: concat!("scenarios/", $name, ".toml (bundled)"),
            text: include_str!(concat!("../../scenarios/", $name, ".toml")),
        }),*]
    };
}

/// Every bundled scenario, the default first.
pub const ALL: &[Bundled] = bundled![
    "prime-video",
    "swarming",
    "coupled-architecture",
    "no-bar-raiser",
    "part-time-leader",
    "platform",
    "pooling",
    "mmc",
    "wip-limits",
    "cross-training",
    "communication",
    "reorg",
];

/// The bundled scenario called `name`.
pub fn find(name: &str) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.name == name)
}

/// The bundled scenario whose name is closest to `name` (a likely
/// misspelling of it), if any.
pub fn closest(name: &str) -> Option<&'static Bundled> {
    let near = super::suggest::closest(name, ALL.iter().map(|b| b.name))?;
    find(near)
}

/// The default bundled scenario.
pub fn default_scenario() -> &'static Bundled {
    find(DEFAULT).unwrap_or(&ALL[0])
}
