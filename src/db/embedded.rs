//! A private PostgreSQL cluster under the data directory, made and run from the PostgreSQL
//! binaries installed on the machine, so that `careergraph` runs without any database set up.
//!
//! The cluster listens only on a Unix socket inside its own directory (no TCP port to collide
//! with, and only this machine's owner of the directory can reach it, hence `trust` auth).
//! PostgreSQL refuses to run as root, so as root the cluster is run as the `postgres` system
//! user, which must be able to reach the directory.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tokio::sync::oneshot;

/// The database role and database created in the embedded cluster.
const ROLE: &str = "careergraph";
/// Unix socket paths are limited to 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
const SOCKET_FILE: &str = ".s.PGSQL.5432";

/// How the embedded cluster trades durability for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// fsync on: what a server keeping someone's data needs.
    Durable,
    /// fsync off: for throwaway test clusters, where it saves seconds per test run.
    Throwaway,
}

/// A running embedded cluster. Stop it with [`EmbeddedPostgres::stop`]; if it is dropped
/// instead (or the process dies), PostgreSQL is still told to shut down.
pub struct EmbeddedPostgres {
    pgdata: PathBuf,
    pid: libc::pid_t,
    exited: Option<oneshot::Receiver<ExitStatus>>,
}

/// The OS account the cluster runs as when we are root.
struct RunAs {
    uid: u32,
    gid: u32,
}

impl EmbeddedPostgres {
    /// Creates the cluster under `data_dir/postgres` on first use, starts it, and waits until it
    /// accepts connections. Ensures the `careergraph` database exists.
    pub async fn start(data_dir: &Path, durability: Durability) -> Result<Self> {
        let bindir = find_bindir()?;
        fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        let data_dir = data_dir
            .canonicalize()
            .with_context(|| format!("cannot resolve data directory {}", data_dir.display()))?;
        let pgdata = data_dir.join("postgres");
        let socket_len = pgdata.join(SOCKET_FILE).as_os_str().len();
        if socket_len > MAX_SOCKET_PATH {
            bail!(
                "the data directory path {} is too long for a PostgreSQL Unix socket \
                 ({socket_len} of at most {MAX_SOCKET_PATH} bytes): choose a shorter --data-dir",
                data_dir.display()
            );
        }
        let run_as = run_as()?;
        if let Some(account) = &run_as {
            check_reachable(&data_dir, account.uid)?;
        }

        if !pgdata.join("PG_VERSION").exists() {
            init_cluster(&bindir, &pgdata, run_as.as_ref())?;
        }
        let log_path = data_dir.join("postgres.log");
        let (pid, exited) = spawn_postmaster(&bindir, &pgdata, &log_path, run_as.as_ref(), durability)?;
        let mut cluster = Self {
            pgdata,
            pid,
            exited: Some(exited),
        };
        if let Err(error) = cluster.wait_until_ready(&log_path).await {
            cluster.stop().await.ok();
            return Err(error);
        }
        cluster.ensure_database(ROLE).await?;
        Ok(cluster)
    }

    /// A connection string for `database` in this cluster.
    pub fn database_url(&self, database: &str) -> String {
        format!(
            "host='{}' user={ROLE} dbname={database}",
            self.pgdata
                .display()
                .to_string()
                .replace('\\', "\\\\")
                .replace('\'', "\\'")
        )
    }

    /// The connection string of the application database.
    pub fn app_database_url(&self) -> String {
        self.database_url(ROLE)
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        let mut conn = AsyncPgConnection::establish(&self.database_url("postgres")).await?;
        let exists: bool = {
            use diesel_async::RunQueryDsl;
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "exists (select 1 from pg_database where datname = '{database}')"
            )))
            .get_result(&mut conn)
            .await?
        };
        if !exists {
            conn.batch_execute(&format!("create database \"{database}\""))
                .await?;
        }
        Ok(())
    }

    /// Asks PostgreSQL for a fast shutdown (open sessions are ended, then a checkpoint) and
    /// waits for it to exit.
    pub async fn stop(mut self) -> Result<()> {
        self.shut_down().await
    }

    async fn shut_down(&mut self) -> Result<()> {
        let Some(exited) = self.exited.take() else {
            return Ok(());
        };
        // SAFETY: kill() only sends a signal to the postmaster we started.
        unsafe { libc::kill(self.pid, libc::SIGINT) };
        match tokio::time::timeout(Duration::from_secs(60), exited).await {
            Ok(_) => Ok(()),
            Err(_) => {
                // SAFETY: as above; immediate shutdown when the fast one hangs.
                unsafe { libc::kill(self.pid, libc::SIGQUIT) };
                bail!("PostgreSQL did not stop within 60 s; sent SIGQUIT")
            }
        }
    }

    async fn wait_until_ready(&mut self, log_path: &Path) -> Result<()> {
        let url = self.database_url("postgres");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(exited) = &mut self.exited
                && let Ok(status) = exited.try_recv()
            {
                self.exited = None;
                bail!(
                    "the embedded PostgreSQL exited ({status}) while starting; its log ({}) ends with:\n{}",
                    log_path.display(),
                    log_tail(log_path)
                );
            }
            if AsyncPgConnection::establish(&url).await.is_ok() {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                bail!(
                    "the embedded PostgreSQL did not accept connections within 60 s; its log ({}) ends with:\n{}",
                    log_path.display(),
                    log_tail(log_path)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if self.exited.is_some() {
            // SAFETY: only signals the postmaster we started. Without a runtime to wait on,
            // sending the shutdown request is the best a destructor can do.
            unsafe { libc::kill(self.pid, libc::SIGINT) };
        }
    }
}

/// Finds a directory holding both `initdb` and `postgres`: on PATH, then `pg_config --bindir`,
/// then the newest `/usr/lib/postgresql/*/bin` (Debian and Ubuntu keep them off PATH).
fn find_bindir() -> Result<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("postgres"))
        .filter(|candidate| candidate.is_file())
        .filter_map(|candidate| candidate.canonicalize().ok())
        .filter_map(|binary| binary.parent().map(Path::to_path_buf));
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| PathBuf::from(String::from_utf8_lossy(&output.stdout).trim()));
    let mut debian: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .map(|entries| entries.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    // Newest major version first.
    debian.sort_by_key(|dir| {
        std::cmp::Reverse(
            dir.parent()
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(0),
        )
    });
    on_path
        .chain(from_pg_config)
        .chain(debian)
        .find(|dir| has_both(dir))
        .context(
            "no PostgreSQL server binaries (initdb, postgres) found on PATH, via pg_config or under \
             /usr/lib/postgresql/*/bin: install the PostgreSQL server (e.g. `apt-get install \
             postgresql`) or set DATABASE_URL to use an existing server",
        )
}

fn run_as() -> Result<Option<RunAs>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    // SAFETY: getpwnam returns null or a pointer to a static record, read at once.
    let entry = unsafe { libc::getpwnam(c"postgres".as_ptr()) };
    if entry.is_null() {
        bail!(
            "running as root, and PostgreSQL refuses to run as root, but there is no `postgres` \
             system user to run the embedded cluster as: create one (installing the PostgreSQL \
             server package does) or set DATABASE_URL"
        );
    }
    // SAFETY: entry is non-null and points at a valid passwd record.
    let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
    Ok(Some(RunAs { uid, gid }))
}

/// The `postgres` user must be able to walk down to the data directory.
fn check_reachable(data_dir: &Path, uid: u32) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    for dir in data_dir.ancestors().skip(1) {
        let meta = fs::metadata(dir)?;
        if meta.uid() != uid && meta.mode() & 0o001 == 0 {
            bail!(
                "the embedded PostgreSQL runs as the `postgres` user (we are root), which cannot \
                 enter {} (mode {:o}) on the way to the data directory {}: choose a --data-dir \
                 below a directory others can enter (e.g. /var/lib/careergraph), allow it with \
                 `chmod o+x {}`, or set DATABASE_URL",
                dir.display(),
                meta.mode() & 0o777,
                data_dir.display(),
                dir.display()
            );
        }
    }
    Ok(())
}

fn command_as(binary: PathBuf, run_as: Option<&RunAs>) -> Command {
    let mut command = Command::new(binary);
    command.current_dir("/").env_remove("PGDATA");
    if let Some(account) = run_as {
        command.uid(account.uid).gid(account.gid);
    }
    command
}

fn init_cluster(bindir: &Path, pgdata: &Path, run_as: Option<&RunAs>) -> Result<()> {
    fs::create_dir_all(pgdata)?;
    fs::set_permissions(pgdata, fs::Permissions::from_mode(0o700))?;
    if let Some(account) = run_as {
        std::os::unix::fs::chown(pgdata, Some(account.uid), Some(account.gid))
            .with_context(|| format!("cannot hand {} to the postgres user", pgdata.display()))?;
    }
    let output = command_as(bindir.join("initdb"), run_as)
        .arg("--pgdata")
        .arg(pgdata)
        .args([
            "--username",
            ROLE,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
        ])
        .output()
        .context("cannot run initdb")?;
    if !output.status.success() {
        bail!(
            "initdb failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Starts the postmaster from a thread that lives exactly as long as it does: the child is
/// asked (PR_SET_PDEATHSIG) to shut down when that thread ends, which at the latest is when
/// this process ends, even by SIGKILL. A cluster is never left running without its server.
fn spawn_postmaster(
    bindir: &Path,
    pgdata: &Path,
    log_path: &Path,
    run_as: Option<&RunAs>,
    durability: Durability,
) -> Result<(libc::pid_t, oneshot::Receiver<ExitStatus>)> {
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .with_context(|| format!("cannot open {}", log_path.display()))?;
    let socket_dir = pgdata.display().to_string();
    let mut command = command_as(bindir.join("postgres"), run_as);
    command
        .arg("-D")
        .arg(pgdata)
        .args(["-c", "listen_addresses="])
        .arg("-c")
        .arg(format!("unix_socket_directories={socket_dir}"))
        .args(["-c", "max_connections=300"])
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if durability == Durability::Throwaway {
        command.args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]);
    }
    // SAFETY: prctl and getppid are async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }

    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let (exited_tx, exited_rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("embedded-postgres".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                started_tx.send(Ok(child.id() as libc::pid_t)).ok();
                if let Ok(status) = child.wait() {
                    exited_tx.send(status).ok();
                }
            }
            Err(error) => {
                started_tx.send(Err(error)).ok();
            }
        })?;
    let pid = started_rx
        .recv()
        .context("the embedded PostgreSQL thread ended early")?
        .context("cannot start postgres")?;
    Ok((pid, exited_rx))
}

fn log_tail(log_path: &Path) -> String {
    let Ok(file) = fs::File::open(log_path) else {
        return String::from("(no log)");
    };
    let lines: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}
