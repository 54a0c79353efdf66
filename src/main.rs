use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic inside one file's processing is caught and reported for that file; keep
    // the default hook's backtrace noise out of the output.
    std::panic::set_hook(Box::new(|info| {
        if std::env::var_os("WIDGET_MIGRATE_DEBUG").is_some() {
            eprintln!("widget-migrate: panic: {info}");
        }
    }));
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
