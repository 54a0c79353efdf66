use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match widget_migrate::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors; bad usage is exit code 2.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    widget_migrate::app::main_with(cli)
}
