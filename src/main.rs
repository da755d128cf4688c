//! The `dengji` command line.

mod progress;

// A build allocates and frees millions of small strings and values from
// every thread: glibc's malloc took a quarter of the CPU and serialised the
// threads; jemalloc saves about a quarter of the CPU of `check` at 10,000
// organisations, at the same peak memory (benches/SCALE.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use dengji::diag::Diagnostics;
use dengji::render::RenderOptions;
use dengji::translation::{self, StampScope};
use dengji::{serve, write};
use progress::{Counted, Progress};

#[derive(Parser)]
#[command(
    name = "dengji",
    version,
    about = "Publish grading standards and the registry of graded organisations"
)]
struct Cli {
    /// The site folder (the one with site.yaml).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Print only errors and warnings, no progress.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// How to print diagnostics: `text` for people, `json` for CI tools,
    /// `github` as GitHub Actions annotations at their file and line.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Text)]
    message_format: MessageFormat,
    /// Compute grades and certificate statuses for this date (YYYY-MM-DD)
    /// instead of today; SOURCE_DATE_EPOCH is honoured when this is absent.
    #[arg(long, global = true, value_parser = parse_date)]
    as_of: Option<jiff::civil::Date>,
    /// The build cache folder, which lets `build` and `check` skip the
    /// organisations whose file and site are unchanged since the last run
    /// [default: .dengji-cache in the site folder].
    #[arg(long, global = true, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Build or check everything again, without reading or writing the
    /// build cache.
    #[arg(long, global = true)]
    no_cache: bool,
    #[command(subcommand)]
    command: Command,
}

/// The cache folder when `--cache` is not given, inside the site folder.
const CACHE_DIR: &str = ".dengji-cache";

/// Opens the build cache for `build` and `check` (unless `--no-cache`); a
/// cache that cannot be opened is warned about, and the command goes on
/// without one.
fn open_cache(
    cli: &Cli,
    sources: &dengji::load::Sources,
    as_of: jiff::civil::Date,
    base_url: Option<&str>,
) -> Option<dengji::cache::Cache> {
    if cli.no_cache {
        return None;
    }
    let dir = cli
        .cache
        .clone()
        .unwrap_or_else(|| cli.root.join(CACHE_DIR));
    let as_of = as_of.to_string();
    let site = dengji::cache::site_key(sources, &[&as_of, base_url.unwrap_or("")]);
    match dengji::cache::Cache::open(&dir, site) {
        Ok(cache) => Some(cache),
        Err(e) => {
            eprintln!(
                "{}: warning: cannot open the build cache: {e}\n  hint: every organisation is rendered; pass --cache DIR for a writable folder, or --no-cache",
                dir.display()
            );
            None
        }
    }
}

/// Puts this run's cache in place, saying what it saved; a failure costs
/// only the next run's time.
fn save_cache(cache: Option<dengji::cache::Cache>, cli: &Cli) {
    let Some(cache) = cache else {
        return;
    };
    let usage = cache.usage();
    if !cli.quiet && cli.message_format == MessageFormat::Text {
        eprintln!(
            "{} of {} organisations unchanged since the last run, taken from the build cache",
            usage.reused, usage.recorded
        );
    }
    if let Err(e) = cache.save() {
        let dir = cli
            .cache
            .clone()
            .unwrap_or_else(|| cli.root.join(CACHE_DIR));
        eprintln!(
            "{}: warning: cannot save the build cache: {e}\n  hint: the site is complete; the next build renders every organisation again",
            dir.display()
        );
    }
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    dengji::registry::parse_day(text)
}

fn parse_base_url(text: &str) -> Result<String, String> {
    dengji::config::base_url_flag(text)
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Text,
    Json,
    Github,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically).
    Build {
        /// Fail on anything a release must not have: a translation below
        /// 100% or with a stale or unstamped unit, or a registered level
        /// the evidence does not support.
        #[arg(long)]
        strict: bool,
        /// The address the site is published at, instead of `base_url` of
        /// site.yaml (links of the sitemap, feeds, CSV files and JSON API).
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
    },
    /// Check everything a build would, without writing anything, and print
    /// the translation coverage of every standard.
    Check {
        /// Also print the reference report of every standard: links by
        /// kind, suppressed and unresolved phrases, and the level graph.
        #[arg(long)]
        references: bool,
        /// Also print the translation report: every missing, stale and
        /// unstamped unit and every termbase mismatch.
        #[arg(long)]
        translations: bool,
        /// Fail on anything a release must not have: a translation below
        /// 100% or with a stale or unstamped unit, or a registered level
        /// the evidence does not support.
        #[arg(long)]
        strict: bool,
        /// Check for this published address instead of `base_url` of
        /// site.yaml, as `build --base-url` would use.
        #[arg(long, value_parser = parse_base_url)]
        base_url: Option<String>,
    },
    /// Explain one organisation's grades: every certificate and its status,
    /// the level computed for each standard and category, each requirement
    /// with its clause, and what the next level still needs.
    Grade {
        /// The organisation file, e.g. registry/guifan-cyber.yaml.
        file: PathBuf,
        /// `text` for people, `json` for tools (see docs/registry.md).
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Language of the text report: `en` or `zh` (any language of the
        /// theme's UI strings, whose words it uses).
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Show how the working tree moves grades, certificate statuses,
    /// findings, errors and the standards' text against a git revision
    /// (default HEAD), or against another grading date (`--to-date`).
    /// Exit status: 0, 1 when a --fail-on kind occurs, 2 when no diff can
    /// be made.
    Diff(dengji::diff::run::DiffArgs),
    /// Compare two editions of a standard clause by clause: clauses added,
    /// removed, changed (with the changed characters or words marked) and
    /// renumbered, and the grading rules' changes.
    Compare {
        /// The standard (folder name under content/).
        slug: String,
        /// The older edition's label (its `edition:`), e.g. 2023.
        old: String,
        /// The newer edition's label, e.g. 2025.
        new: String,
        /// `text` for people (colour on a terminal), `json` for tools.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },
    /// Print the JSON Schema of organisation files (for editors), or with
    /// --diff that of `dengji diff --format json`.
    Schema {
        /// The schema of `dengji diff --format json` instead.
        #[arg(long)]
        diff: bool,
    },
    /// Record which original text each translated unit translates, after
    /// a translator has written or checked it.
    Stamp {
        /// The standard (folder name under content/); every standard if omitted.
        slug: Option<String>,
        /// Units to record again after updating their translation (stale
        /// units are otherwise left stale). Units never recorded are always
        /// recorded.
        anchors: Vec<String>,
        /// Record every translated unit again, stale ones included.
        #[arg(long)]
        all: bool,
        /// Only this translation language.
        #[arg(long)]
        lang: Option<String>,
        /// An older edition of the standard (its label, the folder name
        /// under `editions/`) instead of the current one.
        #[arg(long, requires = "slug")]
        edition: Option<String>,
    },
    /// Write a synthetic site for benchmarks: the standards, theme and
    /// documentation of the --root site with a registry of COUNT generated
    /// organisations, each copying the evidence and certificate history of
    /// one of --root's organisations under an invented identity.
    Generate {
        /// Number of organisations.
        #[arg(long)]
        count: usize,
        /// The folder to write the site into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Seed of every random choice: the same seed writes the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write into a non-empty folder, replacing the site folders a
        /// previous run wrote there (other files are left alone).
        #[arg(long)]
        force: bool,
    },
    /// Serve the site on 127.0.0.1 with live reload while you edit.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
}

fn report(cli: &Cli, diagnostics: &Diagnostics) {
    match cli.message_format {
        MessageFormat::Text => eprint!("{diagnostics}"),
        MessageFormat::Github => {
            for d in diagnostics.iter() {
                println!("{}", d.github());
            }
        }
        MessageFormat::Json => {
            for d in diagnostics.iter() {
                match serde_json::to_string(d) {
                    Ok(line) => println!("{line}"),
                    Err(e) => eprintln!("error: cannot encode diagnostic: {e}"),
                }
            }
        }
    }
}

fn summary_line(cli: &Cli, what: &str, diagnostics: &Diagnostics, started: Instant) {
    if cli.quiet || cli.message_format != MessageFormat::Text {
        return;
    }
    let acknowledged = match diagnostics.acknowledged_count() {
        0 => String::new(),
        n => format!(", {n} known defect(s) of the sources acknowledged by editorial notes"),
    };
    eprintln!(
        "{what}: {} error(s), {} warning(s){acknowledged} in {} ms",
        diagnostics.error_count(),
        diagnostics.warning_count(),
        started.elapsed().as_millis()
    );
}

/// The grading date, or `None` after printing why it cannot be had.
fn as_of(cli: &Cli) -> Option<jiff::civil::Date> {
    match dengji::grading_date(cli.as_of) {
        Ok(date) => Some(date),
        Err(message) => {
            eprintln!("error: {message}\n  hint: unset it, or pass --as-of YYYY-MM-DD");
            None
        }
    }
}

/// The analysis of the site for `grade` and `compare`, or `None` when it
/// could not be loaded (the errors are reported).
fn analysed_for_report(cli: &Cli) -> Option<dengji::Analysis> {
    let as_of = as_of(cli)?;
    match dengji::analyse(&cli.root, as_of) {
        Ok(a) => Some(a),
        Err(diagnostics) => {
            report(cli, &diagnostics);
            None
        }
    }
}

/// `compare`: two editions of a standard.
fn compare(cli: &Cli, slug: &str, old: &str, new: &str, format: ReportFormat) -> ExitCode {
    let Some(analysis) = analysed_for_report(cli) else {
        return ExitCode::FAILURE;
    };
    // Errors anywhere are shown (an edition with errors may be missing);
    // warnings belong to `check`.
    let errors: Diagnostics = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    report(cli, &errors);
    let comparison = match dengji::compare::between(&analysis, slug, old, new) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}\n  hint: {}", e.message, e.hint);
            return ExitCode::FAILURE;
        }
    };
    match format {
        ReportFormat::Text => {
            let colour = std::io::stdout().is_terminal();
            print!("{}", dengji::compare::format::text(&comparison, colour));
        }
        ReportFormat::Json => match serde_json::to_string_pretty(&comparison) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot encode the comparison: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    if errors.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `grade`: explain one organisation.
fn grade(cli: &Cli, file: &std::path::Path, format: ReportFormat, lang: &str) -> ExitCode {
    let Some(analysis) = analysed_for_report(cli) else {
        return ExitCode::FAILURE;
    };
    // The file may be given relative to the current folder or to --root.
    let wanted = std::fs::canonicalize(file)
        .or_else(|_| std::fs::canonicalize(cli.root.join(file)))
        .ok();
    let found = analysis
        .registry
        .organisations
        .iter()
        .position(|o| wanted.is_some() && std::fs::canonicalize(&o.file).ok() == wanted);
    // Problems in this file (and errors anywhere) are shown first.
    let rel = |p: &std::path::Path| p.strip_prefix(&cli.root).unwrap_or(p).to_path_buf();
    let own: Diagnostics = analysis
        .diagnostics
        .iter()
        .filter(|d| {
            d.is_error()
                || found.is_some_and(|i| {
                    rel(&analysis.registry.organisations[i].file) == d.location.file
                })
        })
        .cloned()
        .collect();
    report(cli, &own);
    let Some(index) = found else {
        eprintln!(
            "error: {} is not an organisation file of the registry\n  hint: give a file under the registry folder, e.g. registry/<id>.yaml{}",
            file.display(),
            if own.has_errors() {
                "; if it has errors, they are listed above"
            } else {
                ""
            }
        );
        return ExitCode::FAILURE;
    };
    // The text uses the words of the pages: the theme's UI strings.
    let strings = match format {
        ReportFormat::Text => match dengji::render::ui_strings(&analysis.sources.theme, lang) {
            Ok(strings) => strings,
            Err(d) => {
                report(cli, &Diagnostics::from_iter([d]).relative_to(&cli.root));
                return ExitCode::FAILURE;
            }
        },
        ReportFormat::Json => Default::default(),
    };
    let org = &analysis.registry.organisations[index];
    let og = analysis
        .grades
        .organisation(&analysis.registry, index, org, &analysis.schemes);
    let report =
        dengji::grade::report::Reporter::new(&analysis.schemes, &analysis.grades).report(org, &og);
    match format {
        ReportFormat::Text => print!("{}", dengji::grade::report::text(&report, lang, &strings)),
        ReportFormat::Json => match serde_json::to_string_pretty(
            &dengji::export::api::organisation::build(&report, org, &og, &analysis.schemes),
        ) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot encode the report: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    exit(own.has_errors())
}

fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    match &cli.command {
        Command::Check {
            references,
            translations,
            strict,
            base_url,
        } => check(
            &cli,
            *references,
            *translations,
            *strict,
            base_url.as_deref(),
            started,
        ),
        Command::Build { strict, base_url } => build(&cli, *strict, base_url.as_deref(), started),
        Command::Grade { file, format, lang } => grade(&cli, file, *format, lang),
        Command::Diff(args) => diff(&cli, args),
        Command::Compare {
            slug,
            old,
            new,
            format,
        } => compare(&cli, slug, old, new, *format),
        Command::Schema { diff } => match if *diff {
            dengji::diff::schema_json()
        } else {
            dengji::registry::schema_json()
        } {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot encode the schema: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Stamp {
            slug,
            anchors,
            all,
            lang,
            edition,
        } => stamp(
            &cli,
            slug.as_deref(),
            anchors,
            *all,
            lang.as_deref(),
            edition.as_deref(),
        ),
        Command::Generate {
            count,
            out,
            seed,
            force,
        } => generate(&cli, *count, out, *seed, *force, started),
        Command::Serve { port } => match serve::serve(&cli.root, *port, cli.quiet) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// `diff`: compare with a revision or a date; the work is in `dengji::diff::run`.
fn diff(cli: &Cli, args: &dengji::diff::run::DiffArgs) -> ExitCode {
    use dengji::diff::run::{EXIT_CANNOT_DIFF, Messages};
    let Some(as_of) = as_of(cli) else {
        return ExitCode::from(EXIT_CANNOT_DIFF);
    };
    // Progress on a terminal, or when asked: a CI log gets the report alone.
    let progress = Progress::new(!cli.quiet && (args.progress || std::io::stderr().is_terminal()));
    let messages = match cli.message_format {
        MessageFormat::Text => Messages::Text,
        MessageFormat::Json => Messages::Json,
        MessageFormat::Github => Messages::Github,
    };
    let outcome =
        dengji::diff::run::command(&cli.root, as_of, args, messages, &|s| progress.stage(s));
    progress.finish();
    eprint!("{}", outcome.stderr);
    print!("{}", outcome.stdout);
    ExitCode::from(outcome.code)
}

/// `check`: everything but rendering and writing, then the reports.
fn check(
    cli: &Cli,
    references: bool,
    translations: bool,
    strict: bool,
    base_url: Option<&str>,
    started: Instant,
) -> ExitCode {
    let progress = Progress::new(shows_progress(cli));
    progress.stage("loading, checking and grading");
    let (mut analysis, cache) =
        match analysed(cli, strict, base_url, "check failed", started, &progress) {
            Ok(a) => a,
            Err(code) => return code,
        };
    // Rendering can fail too (templates), so a check renders, keeping
    // nothing but the cache: an organisation whose file and site are as in
    // the cache rendered without error then, so it needs no rendering now.
    progress.stage("rendering");
    if !analysis.diagnostics.has_errors() {
        match dengji::render_analysis(
            &cli.root,
            &mut analysis,
            render_options(base_url),
            &Counted {
                inner: &dengji::render::Discard,
                progress: &progress,
            },
            cache.as_ref(),
        ) {
            Ok(_) => save_cache(cache, cli),
            Err(d) => analysis.diagnostics.extend(d),
        }
    }
    progress.finish();
    report(cli, &analysis.diagnostics);
    match cli.message_format {
        MessageFormat::Text | MessageFormat::Github => {
            if references {
                print!("{}", dengji::resolve::report::text(&analysis.resolution));
            }
            if translations {
                print!(
                    "{}",
                    translation::report::text(&analysis.translation_status)
                );
            } else if !cli.quiet {
                print!(
                    "{}",
                    translation::report::coverage_text(&analysis.translation_status)
                );
            }
        }
        MessageFormat::Json => {
            if references {
                match dengji::resolve::report::json(&analysis.resolution) {
                    Ok(json) => println!("{json}"),
                    Err(e) => eprintln!("error: cannot encode the report: {e}"),
                }
            }
            if translations {
                match translation::report::json(&analysis.translation_status) {
                    Ok(json) => println!("{json}"),
                    Err(e) => eprintln!("error: cannot encode the report: {e}"),
                }
            }
        }
    }
    let failed = analysis.diagnostics.has_errors();
    summary_line(
        cli,
        if failed { "check failed" } else { "check" },
        &analysis.diagnostics,
        started,
    );
    exit(failed)
}

/// How `build` and `check` render: for `--base-url` when given.
fn render_options(base_url: Option<&str>) -> RenderOptions {
    RenderOptions {
        base_url: base_url.map(str::to_string),
        ..RenderOptions::default()
    }
}

/// Everything before rendering, for the grading date of the command line;
/// under `strict`, stale translations and unsupported registered levels are
/// errors. A site published at a loopback address (`base_url` of site.yaml
/// or `--base-url`) is warned about. On failure to load, reports and returns
/// the exit code. With the build cache (unless `--no-cache`), which is
/// returned for rendering.
fn analysed(
    cli: &Cli,
    strict: bool,
    base_url: Option<&str>,
    failed: &str,
    started: Instant,
    progress: &Progress,
) -> Result<(dengji::Analysis, Option<dengji::cache::Cache>), ExitCode> {
    let Some(as_of) = progress.suspend(|| as_of(cli)) else {
        progress.finish();
        return Err(ExitCode::FAILURE);
    };
    let open = |sources: &dengji::load::Sources| {
        progress.suspend(|| open_cache(cli, sources, as_of, base_url))
    };
    let (mut analysis, cache) = match dengji::analyse_cached(&cli.root, as_of, &open) {
        Ok(a) => a,
        Err(diagnostics) => {
            progress.finish();
            report(cli, &diagnostics);
            summary_line(cli, failed, &diagnostics, started);
            return Err(ExitCode::FAILURE);
        }
    };
    if strict {
        analysis.diagnostics.extend(
            translation::strict_errors(&analysis.translation_status).relative_to(&cli.root),
        );
        analysis.diagnostics.escalate(dengji::grade::UNSUPPORTED);
    }
    let published = base_url.unwrap_or(&analysis.sources.config.base_url);
    if let Some(warning) =
        dengji::config::loopback_warning(&cli.root, published, base_url.is_some())
    {
        analysis
            .diagnostics
            .extend(Diagnostics::from_iter([warning]).relative_to(&cli.root));
        analysis.diagnostics.sort();
    }
    Ok((analysis, cache))
}

/// Progress is for a person at a terminal or reading a CI log, not for
/// `--quiet` or machine-readable output.
fn shows_progress(cli: &Cli) -> bool {
    !cli.quiet && cli.message_format == MessageFormat::Text
}

fn build(cli: &Cli, strict: bool, base_url: Option<&str>, started: Instant) -> ExitCode {
    let progress = Progress::new(shows_progress(cli));
    progress.stage("loading, checking and grading");
    let (mut analysis, cache) =
        match analysed(cli, strict, base_url, "build failed", started, &progress) {
            Ok(a) => a,
            Err(code) => return code,
        };
    if analysis.diagnostics.has_errors() {
        progress.finish();
        report(cli, &analysis.diagnostics);
        summary_line(cli, "build failed", &analysis.diagnostics, started);
        return ExitCode::FAILURE;
    }
    // Pages go straight to a staging folder beside the output, which
    // replaces the output only once every file is written.
    let output_dir = cli.root.join(&analysis.sources.config.output_dir);
    progress.stage("reading the published site");
    let staging = match write::Staging::new(&output_dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{}: error: cannot create the staging folder: {e}\n  hint: check free space and permissions; the previous site is unchanged",
                output_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    progress.stage("rendering");
    let counted = Counted {
        inner: &staging,
        progress: &progress,
    };
    let files = match dengji::render_analysis(
        &cli.root,
        &mut analysis,
        render_options(base_url),
        &counted,
        cache.as_ref(),
    ) {
        Ok(files) => files,
        Err(d) => {
            progress.finish();
            // Dropping the staging folder removes the half-written site.
            drop(staging);
            analysis.diagnostics.extend(d);
            analysis.diagnostics.sort();
            report(cli, &analysis.diagnostics);
            summary_line(cli, "build failed", &analysis.diagnostics, started);
            return ExitCode::FAILURE;
        }
    };
    progress.stage("publishing the changed files");
    let committed = staging.commit();
    progress.finish();
    report(cli, &analysis.diagnostics);
    let written = match committed {
        Ok(w) => {
            save_cache(cache, cli);
            w
        }
        Err(e) => {
            eprintln!(
                "{}: error: cannot publish the site: {e}\n  hint: check free space and permissions; the previous site is unchanged, or, if publishing had begun, the next build finishes it",
                output_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    if !cli.quiet && cli.message_format == MessageFormat::Text {
        eprintln!(
            "wrote {files} files to {} ({} changed, {} unchanged, {} removed)",
            output_dir.display(),
            written.changed,
            written.unchanged,
            written.removed
        );
    }
    summary_line(cli, "build", &analysis.diagnostics, started);
    ExitCode::SUCCESS
}

/// `generate`: write a synthetic site.
fn generate(
    cli: &Cli,
    count: usize,
    out: &std::path::Path,
    seed: u64,
    force: bool,
    started: Instant,
) -> ExitCode {
    let options = dengji::synth::Options { count, seed, force };
    match dengji::synth::generate(&cli.root, out, &options) {
        Ok(summary) => {
            if !cli.quiet {
                eprintln!(
                    "generated {} organisations with {} certificates in {} ({} ms)",
                    summary.organisations,
                    summary.certificates,
                    summary.registry_dir.display(),
                    started.elapsed().as_millis()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `stamp`: write the fingerprints files of the chosen translations.
/// (original, translation, status) of each translation of the standard
/// `slug` (a current edition's slug or an older edition's page key; every
/// translation when `None`) into `lang` (every language when `None`).
fn translations_to_stamp<'a>(
    analysis: &'a dengji::Analysis,
    slug: Option<&str>,
    lang: Option<&str>,
) -> Vec<(
    &'a dengji::model::Document,
    &'a dengji::model::Document,
    &'a translation::TranslationStatus,
)> {
    analysis
        .translations
        .iter()
        .filter(|t| slug.is_none_or(|s| s == t.slug) && lang.is_none_or(|l| l == t.lang))
        .filter_map(|translated| {
            let original = analysis
                .documents
                .iter()
                .find(|d| d.slug == translated.slug)?;
            let status = analysis
                .translation_status
                .get(&(translated.slug.clone(), translated.lang.clone()))?;
            Some((original, translated, status))
        })
        .collect()
}

fn stamp(
    cli: &Cli,
    slug: Option<&str>,
    anchors: &[String],
    all: bool,
    lang: Option<&str>,
    edition: Option<&str>,
) -> ExitCode {
    let Some(as_of) = as_of(cli) else {
        return ExitCode::FAILURE;
    };
    let analysis = match dengji::analyse(&cli.root, as_of) {
        Ok(a) if !a.diagnostics.has_errors() => a,
        Ok(a) => {
            report(cli, &a.diagnostics);
            eprintln!("stamp failed: fix the errors first; nothing was recorded");
            return ExitCode::FAILURE;
        }
        Err(diagnostics) => {
            report(cli, &diagnostics);
            return ExitCode::FAILURE;
        }
    };
    if let Some(slug) = slug
        && !analysis.documents.iter().any(|d| d.slug == slug)
    {
        eprintln!(
            "error: there is no standard `{slug}` under content/\n  hint: give the name of a folder under content/, e.g. `dengji stamp csi-grading`"
        );
        return ExitCode::FAILURE;
    }
    if slug.is_none() && !anchors.is_empty() {
        eprintln!("error: anchors need a standard\n  hint: `dengji stamp <standard> <anchor>...`");
        return ExitCode::FAILURE;
    }
    let scope = if all {
        StampScope::All
    } else if anchors.is_empty() {
        StampScope::New
    } else {
        StampScope::Anchors(anchors)
    };
    // (original, translation, its status) for every translation to stamp.
    let mut work: Vec<(
        &dengji::model::Document,
        &dengji::model::Document,
        &translation::TranslationStatus,
    )> = Vec::new();
    if let (Some(slug), Some(label)) = (slug, edition) {
        let older = analysis
            .editions
            .get(slug)
            .and_then(|set| set.older.iter().find(|e| e.id == label));
        if older.is_none() {
            let labels = analysis
                .editions
                .get(slug)
                .map(|set| set.older.iter().map(|e| e.id.as_str()).collect::<Vec<_>>())
                .unwrap_or_default();
            eprintln!(
                "error: `{slug}` has no older edition `{label}`\n  hint: {}",
                if labels.is_empty() {
                    format!(
                        "`{slug}` has no folder under content/{slug}/editions/; without --edition, stamp stamps the current edition"
                    )
                } else {
                    format!(
                        "its older editions: {}; without --edition, stamp stamps the current edition",
                        labels.join(", ")
                    )
                }
            );
            return ExitCode::FAILURE;
        }
        // An older edition is translated under its page key.
        let key = dengji::editions::page_key(slug, label);
        work.extend(translations_to_stamp(&analysis, Some(&key), lang));
    } else {
        work.extend(translations_to_stamp(&analysis, slug, lang));
    }
    let mut failed = false;
    for (original, translated, status) in work {
        let outcome = translation::stamp(original, translated, &status.recorded, scope);
        // An older edition's page key names its standard first.
        let standard = translated.slug.split('/').next().unwrap_or_default();
        let name = match edition {
            Some(label) => format!("{standard} edition {label} ({})", translated.lang),
            None => format!("{} ({})", translated.slug, translated.lang),
        };
        for anchor in &outcome.unknown {
            eprintln!("error: {name}: the translation has no unit `{anchor}`");
            failed = true;
        }
        let text = translation::fingerprint::render(standard, &translated.lang, &outcome.entries);
        let path = &status.fingerprints_file;
        let unchanged = std::fs::read_to_string(path).is_ok_and(|old| old == text);
        if !unchanged && let Err(e) = translation::fingerprint::write_atomically(path, &text) {
            eprintln!("{}: error: cannot write: {e}", path.display());
            failed = true;
            continue;
        }
        if !cli.quiet {
            eprintln!(
                "{name}: {} recorded, {} renewed, {} dropped, {} still stale{}",
                outcome.added.len(),
                outcome.renewed.len(),
                outcome.dropped.len(),
                outcome.still_stale.len(),
                if outcome.still_stale.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({}): update them, then name them: dengji stamp {}{} {}",
                        outcome.still_stale.join(" "),
                        translated.slug,
                        edition
                            .map(|e| format!(" --edition {e}"))
                            .unwrap_or_default(),
                        outcome.still_stale.join(" ")
                    )
                }
            );
        }
    }
    exit(failed)
}
