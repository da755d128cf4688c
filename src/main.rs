//! The `dengji` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use dengji::diag::Diagnostics;
use dengji::render::RenderOptions;
use dengji::{build_site, serve, write};

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
    /// How to print diagnostics: `text` for people, `json` for CI tools.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Text)]
    message_format: MessageFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically).
    Build,
    /// Check everything a build would, without writing anything.
    Check {
        /// Also print the reference report of every standard: links by
        /// kind, suppressed and unresolved phrases, and the level graph.
        #[arg(long)]
        references: bool,
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
    if cli.quiet || cli.message_format == MessageFormat::Json {
        return;
    }
    eprintln!(
        "{what}: {} error(s), {} warning(s) in {} ms",
        diagnostics.error_count(),
        diagnostics.warning_count(),
        started.elapsed().as_millis()
    );
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    match &cli.command {
        Command::Check { references: true } => {
            let analysis = match dengji::analyse(&cli.root) {
                Ok(a) => a,
                Err(diagnostics) => {
                    report(&cli, &diagnostics);
                    summary_line(&cli, "check failed", &diagnostics, started);
                    return ExitCode::FAILURE;
                }
            };
            report(&cli, &analysis.diagnostics);
            match cli.message_format {
                MessageFormat::Text => {
                    print!("{}", dengji::resolve::report::text(&analysis.resolution))
                }
                MessageFormat::Json => match dengji::resolve::report::json(&analysis.resolution) {
                    Ok(json) => println!("{json}"),
                    Err(e) => eprintln!("error: cannot encode the report: {e}"),
                },
            }
            let failed = analysis.diagnostics.has_errors();
            summary_line(
                &cli,
                if failed { "check failed" } else { "check" },
                &analysis.diagnostics,
                started,
            );
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Build | Command::Check { .. } => {
            let is_build = matches!(cli.command, Command::Build);
            match build_site(&cli.root, RenderOptions::default()) {
                Ok(build) => {
                    report(&cli, &build.diagnostics);
                    if is_build {
                        if let Err(e) = write::write_site(&build.site, &build.output_dir) {
                            eprintln!(
                                "{}: error: cannot write the site: {e}\n  hint: check free space and permissions; the previous site is unchanged",
                                build.output_dir.display()
                            );
                            return ExitCode::FAILURE;
                        }
                        if !cli.quiet && cli.message_format == MessageFormat::Text {
                            eprintln!(
                                "wrote {} files to {}",
                                build.site.files.len(),
                                build.output_dir.display()
                            );
                        }
                    }
                    summary_line(
                        &cli,
                        if is_build { "build" } else { "check" },
                        &build.diagnostics,
                        started,
                    );
                    ExitCode::SUCCESS
                }
                Err(diagnostics) => {
                    report(&cli, &diagnostics);
                    summary_line(
                        &cli,
                        if is_build {
                            "build failed"
                        } else {
                            "check failed"
                        },
                        &diagnostics,
                        started,
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve { port } => match serve::serve(&cli.root, *port, cli.quiet) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
