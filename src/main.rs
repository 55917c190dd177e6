use std::process::ExitCode;

use careergraph::config::{Cli, Command};
use clap::Parser;

// glibc's malloc keeps what every blocking thread once held (each password hash takes 19 MiB),
// so the server sat at 150 MiB after a few sign-ins, and it spent a quarter of a large query's
// time in malloc and free. mimalloc gives memory back and is faster at the many small
// allocations of a GraphQL response (bench/results/README.md has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::ExportSchema) = cli.command {
        print!("{}", careergraph::schema::sdl());
        return ExitCode::SUCCESS;
    }
    let telemetry = careergraph::telemetry::init(&cli.settings);
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
    // The exporter's thread sends what is buffered; the runtime is gone by then.
    drop(runtime);
    telemetry.shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
