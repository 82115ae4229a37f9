//! `orgsim validate`: run the built-in reduction cases against queueing theory.

use std::time::Instant;

use super::Failure;
use orgsim::experiment::validation::{self, cases, run_case};

/// Runs every case, prints exact vs simulated with the CI and a verdict;
/// fails (exit code 1) if any check fails.
pub fn validate(threads: Option<usize>) -> Result<(), Failure> {
    let started = Instant::now();
    outln!(
        "orgsim validate: the engine against queueing theory (each check: the exact value must lie in the {}% CI)\n",
        100.0 * validation::LEVEL
    )?;
    let mut failed = 0;
    let mut total = 0;
    for case in cases() {
        outln!("{} — {}", case.name, case.model)?;
        for r in run_case(&case, threads) {
            total += 1;
            let verdict = if r.passed() {
                "pass"
            } else {
                failed += 1;
                if r.precise() {
                    "FAIL"
                } else {
                    "FAIL (CI too wide)"
                }
            };
            outln!(
                "  {:34} exact {:>9.5}  simulated {:>9.5} ± {:<8.5} (n={:>2})  error {:>+7.3}%  {verdict}",
                r.check.label,
                r.check.exact,
                r.simulated.mean,
                r.simulated.half_width(),
                r.simulated.n,
                100.0 * r.relative_error()
            )?;
        }
    }
    outln!(
        "\n{} of {total} checks passed in {:.1} s",
        total - failed,
        started.elapsed().as_secs_f64()
    )?;
    if failed > 0 {
        return Err(Failure::other(format!("{failed} of {total} checks failed")));
    }
    Ok(())
}
