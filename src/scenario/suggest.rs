//! "Did you mean ...?": the known name closest to a misspelt one.

/// The candidate closest to `word`, if one is close enough to be a likely
/// misspelling (case-insensitive; ties go to the earlier candidate).
pub(crate) fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lc = word.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        let cand_lc = candidate.to_lowercase();
        if cand_lc == word_lc && candidate != word {
            return Some(candidate);
        }
        let edits = strsim::osa_distance(&word_lc, &cand_lc);
        let similarity = strsim::jaro_winkler(&word_lc, &cand_lc);
        let shortest = word_lc.chars().count().min(cand_lc.chars().count());
        let close = similarity >= 0.85 || (edits <= 2 && edits < shortest);
        if close && best.is_none_or(|(_, s)| similarity > s) {
            best = Some((candidate, similarity));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// `"; did you mean `x`?"` when a candidate is close to `word`, else `""`.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    match closest(word, candidates) {
        Some(candidate) => format!("; did you mean `{candidate}`?"),
        None => String::new(),
    }
}

/// The names as a comma-separated list of backquoted words.
pub(crate) fn list<'a, I>(names: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &["warmup", "horizon", "replications", "seed"];

    #[test]
    fn finds_typos() {
        assert_eq!(closest("horizn", KEYS.iter().copied()), Some("horizon"));
        assert_eq!(
            closest("replication", KEYS.iter().copied()),
            Some("replications")
        );
        assert_eq!(closest("Seed", KEYS.iter().copied()), Some("seed"));
        assert_eq!(
            closest("single_threaded", ["matrix", "single-threaded", "custom"]),
            Some("single-threaded")
        );
        assert_eq!(
            closest("expo", ["exponential", "empirical"]),
            Some("exponential")
        );
    }

    #[test]
    fn ignores_unrelated_words() {
        assert_eq!(closest("colour", KEYS.iter().copied()), None);
        assert_eq!(closest("x", ["max", "min"]), None);
        assert_eq!(did_you_mean("zzz", KEYS.iter().copied()), "");
    }

    #[test]
    fn lists() {
        assert_eq!(list(["a", "b"]), "`a`, `b`");
    }
}
