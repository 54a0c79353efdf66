//! A progress bar on stderr for long runs. It appears only when stderr is a terminal and
//! the run is still going after a delay (a second), so short runs, pipes, CI logs and
//! machine-readable output never see it; it is cleared before the run prints anything.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a run goes before the bar shows; `WIDGET_MIGRATE_PROGRESS_DELAY_MS` overrides
/// it (the tests use 0).
const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    /// `None` when stderr is no terminal: then nothing is ever drawn.
    bar: Option<ProgressBar>,
    start: Instant,
    delay: Duration,
    shown: AtomicBool,
}

impl Progress {
    /// A bar over `total` files, hidden until the delay has passed.
    pub fn new(total: usize) -> Progress {
        Progress::with_terminal(total, std::io::stderr().is_terminal())
    }

    fn with_terminal(total: usize, terminal: bool) -> Progress {
        let delay = std::env::var("WIDGET_MIGRATE_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(u64::try_from(total).unwrap_or(u64::MAX)),
                ProgressDrawTarget::hidden(),
            );
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} {pos}/{len} files [{bar:30}] {elapsed_precise} (eta {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            delay,
            shown: AtomicBool::new(false),
        }
    }

    /// One more file done; called from the worker threads.
    pub fn inc(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() >= self.delay
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Whether the bar has been drawn (or is about to be).
    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }

    /// Removes the bar from the terminal before the run's own output.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_terminal_nothing_is_ever_shown() {
        let p = Progress::with_terminal(3, false);
        for _ in 0..3 {
            p.inc();
        }
        assert!(!p.is_shown());
        p.finish();
    }

    #[test]
    fn on_a_terminal_the_bar_waits_for_the_delay() {
        let mut p = Progress::with_terminal(2, true);
        p.delay = Duration::from_secs(3600);
        p.inc();
        assert!(!p.is_shown(), "a short run never draws");
        p.delay = Duration::ZERO;
        p.inc();
        assert!(p.is_shown());
        p.finish();
    }
}
