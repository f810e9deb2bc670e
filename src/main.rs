//! The `deboil` binary: parse arguments, run, map the outcome to an exit
//! code (0 ok, 1 something found, 2 error). Everything else is in `cli`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            // A closed pipe (`deboil diff ... | head`) is not an error.
            if err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            match err.downcast_ref::<deboil::Error>() {
                Some(e) if !e.diagnostics().is_empty() => {
                    for d in e.diagnostics() {
                        eprintln!("deboil: {d}");
                    }
                }
                _ => eprintln!("deboil: {err:#}"),
            }
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}
