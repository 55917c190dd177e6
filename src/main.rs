use std::process::ExitCode;

use careergraph::config::{Cli, Command};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::ExportSchema) = cli.command {
        print!("{}", careergraph::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    careergraph::server::init_logging(&cli.settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Some(Command::Migrate) => careergraph::server::migrate_only(&cli.settings).await,
            Some(Command::Seed { users, seed }) => {
                careergraph::server::seed(&cli.settings, users, seed).await
            }
            _ => careergraph::server::serve(&cli.settings).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
