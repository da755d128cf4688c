//! Progress of long commands on stderr: on a terminal a spinner with the
//! stage, the count of files made or kept and the time (indicatif); otherwise a
//! plain line every few seconds of a long stage, so CI logs show the build
//! is alive without filling up; nothing with `--quiet` or JSON messages.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use dengji::render::Output;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// A stage at least this long gets a closing line (its files and time)
/// when stderr is not a terminal, so a CI log shows where a build went.
const CLOSING_LINE_AFTER: Duration = Duration::from_secs(1);

enum Mode {
    Off,
    Bar(ProgressBar),
    /// Plain lines into the sink (stderr), one every `every` at most, and
    /// a closing line for each stage that lasted `close_after` or more.
    Lines {
        sink: Mutex<Box<dyn std::io::Write + Send>>,
        every: Duration,
        close_after: Duration,
    },
}

/// The progress of one command.
pub struct Progress {
    mode: Mode,
    /// The current stage and when it started.
    stage: Mutex<(String, Instant)>,
    /// Files written in the current stage.
    count: AtomicUsize,
    /// When the last plain line was printed.
    last_line: Mutex<Instant>,
}

impl Progress {
    /// Progress on stderr when `shown`: a bar on a terminal, lines otherwise.
    pub fn new(shown: bool) -> Progress {
        let mode = if !shown {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Bar(bar)
        } else {
            Mode::Lines {
                sink: Mutex::new(Box::new(std::io::stderr())),
                every: LINE_EVERY,
                close_after: CLOSING_LINE_AFTER,
            }
        };
        Progress::with_mode(mode)
    }

    fn with_mode(mode: Mode) -> Progress {
        let now = Instant::now();
        Progress {
            mode,
            stage: Mutex::new((String::new(), now)),
            count: AtomicUsize::new(0),
            last_line: Mutex::new(now),
        }
    }

    /// Starts a stage, e.g. "loading, checking and grading", closing the
    /// one before.
    pub fn stage(&self, name: &str) {
        self.close_stage();
        let now = Instant::now();
        if let Ok(mut stage) = self.stage.lock() {
            *stage = (name.to_string(), now);
        }
        if let Ok(mut last) = self.last_line.lock() {
            *last = now;
        }
        self.count.store(0, Ordering::Relaxed);
        if let Mode::Bar(bar) = &self.mode {
            bar.set_message(name.to_string());
        }
    }

    /// One more file written in the current stage.
    pub fn file_written(&self) {
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.mode {
            Mode::Off => {}
            Mode::Bar(bar) => {
                // Redrawing is throttled by indicatif; the message is cheap.
                if n % 64 == 0 {
                    let stage = self.stage.lock().map(|s| s.0.clone()).unwrap_or_default();
                    bar.set_message(format!("{stage}: {n} files"));
                }
            }
            Mode::Lines { sink, every, .. } => {
                // One thread prints; the others go on writing.
                let Ok(mut last) = self.last_line.try_lock() else {
                    return;
                };
                if last.elapsed() >= *every {
                    *last = Instant::now();
                    if let (Ok(stage), Ok(mut sink)) = (self.stage.lock(), sink.lock()) {
                        // Progress is best effort: a closed stderr is no error.
                        let _ = writeln!(
                            sink,
                            "{}: {n} files, {} s",
                            stage.0,
                            stage.1.elapsed().as_secs()
                        );
                    }
                }
            }
        }
    }

    /// Runs `f`, which may print, with the bar hidden.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.mode {
            Mode::Bar(bar) => bar.suspend(f),
            _ => f(),
        }
    }

    /// Without a terminal, a line saying what the current stage did, if
    /// it took long enough to matter; the stage is then over.
    fn close_stage(&self) {
        let Mode::Lines {
            sink, close_after, ..
        } = &self.mode
        else {
            return;
        };
        let Ok(mut stage) = self.stage.lock() else {
            return;
        };
        let took = stage.1.elapsed();
        if !stage.0.is_empty() && took >= *close_after {
            let files = self.count.load(Ordering::Relaxed);
            if let Ok(mut sink) = sink.lock() {
                // Progress is best effort: a closed stderr is no error.
                let _ = writeln!(
                    sink,
                    "{}: done, {files} files, {:.1} s",
                    stage.0,
                    took.as_secs_f64()
                );
            }
        }
        stage.0.clear();
    }

    /// Clears the bar (or closes the last stage) before the command
    /// prints its report.
    pub fn finish(&self) {
        self.close_stage();
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// An output that counts what it stores toward the progress.
pub struct Counted<'a> {
    pub inner: &'a dyn Output,
    pub progress: &'a Progress,
}

impl Output for Counted<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let result = self.inner.put(path, bytes);
        self.progress.file_written();
        result
    }

    fn keep(&self, files: &[(String, Option<dengji::render::Stamp>)]) -> bool {
        let kept = self.inner.keep(files);
        if kept {
            for _ in files {
                self.progress.file_written();
            }
        }
        kept
    }

    fn stamp(&self, path: &str) -> Option<dengji::render::Stamp> {
        self.inner.stamp(path)
    }

    fn stage(&self, name: &str) {
        self.progress.stage(name);
        self.inner.stage(name);
    }

    fn scratch_dir(&self) -> Option<&std::path::Path> {
        self.inner.scratch_dir()
    }

    fn keeps_bytes(&self) -> bool {
        self.inner.keeps_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output that only counts.
    struct Count(AtomicUsize);

    impl Output for Count {
        fn put(&self, _: &str, _: &[u8]) -> std::io::Result<()> {
            self.0.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }

    /// A sink the test can read back.
    #[derive(Clone, Default)]
    struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("sink").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Progress in plain lines into a sink the test reads back.
    fn lines(every: Duration, close_after: Duration) -> (Progress, Shared) {
        let sink = Shared::default();
        let progress = Progress::with_mode(Mode::Lines {
            sink: Mutex::new(Box::new(sink.clone())),
            every,
            close_after,
        });
        (progress, sink)
    }

    #[test]
    fn without_a_terminal_a_long_stage_prints_a_plain_line_now_and_then() {
        let (progress, sink) = lines(Duration::from_millis(50), Duration::from_secs(3600));
        progress.stage("rendering and writing");
        progress.file_written();
        assert!(sink.0.lock().expect("sink").is_empty(), "nothing at once");
        std::thread::sleep(Duration::from_millis(60));
        progress.file_written();
        progress.file_written();
        let text = String::from_utf8(sink.0.lock().expect("sink").clone()).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.starts_with("rendering and writing: 2 files, 0 s"),
            "{text}"
        );
    }

    #[test]
    fn without_a_terminal_a_stage_that_took_long_enough_gets_a_closing_line() {
        let (progress, sink) = lines(Duration::from_secs(3600), Duration::from_millis(50));
        progress.stage("organisation pages");
        progress.file_written();
        std::thread::sleep(Duration::from_millis(60));
        progress.file_written();
        progress.stage("sitemap");
        progress.file_written();
        progress.finish();
        let text = String::from_utf8(sink.0.lock().expect("sink").clone()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "only the long stage closes: {text}");
        assert!(
            lines[0].starts_with("organisation pages: done, 2 files, 0."),
            "{text}"
        );
    }

    #[test]
    fn counted_output_passes_every_file_on_and_counts_it_in_its_stage() {
        let progress = Progress::new(false);
        let inner = Count(AtomicUsize::new(0));
        let out = Counted {
            inner: &inner,
            progress: &progress,
        };
        progress.stage("rendering");
        for i in 0..5 {
            out.put(&format!("{i}.html"), b"x").expect("stored");
        }
        assert_eq!(inner.0.load(Ordering::Relaxed), 5);
        assert_eq!(progress.count.load(Ordering::Relaxed), 5);
        progress.stage("writing");
        assert_eq!(
            progress.count.load(Ordering::Relaxed),
            0,
            "a new stage counts afresh"
        );
    }
}
