//! `hirewire-relay`: see `hirewire-relay --help` and the README.

use std::process::ExitCode;

use clap::Parser;
use hirewire_relay::admin::{client, ErrorKind, Request};
use hirewire_relay::cli::{ChannelCmd, Cli, Command, MigrateArgs, ServeArgs};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Channel(cmd) => channel(cmd),
        Command::Migrate(args) => migrate(args),
    }
}

fn migrate(args: MigrateArgs) -> ExitCode {
    use hirewire_relay::store::nats::{migrate, NatsStore};
    let opts = match args.nats() {
        Ok(o) => o,
        Err(e) => return usage(&e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let result = runtime.block_on(async {
        let metrics = std::sync::Arc::new(hirewire_relay::metrics::Metrics::new());
        let store = NatsStore::open(opts, metrics).await?;
        let moved = migrate::run(&args.data, &store).await;
        hirewire_relay::store::Store::close(&store).await;
        moved
    });
    match result {
        Ok(moved) => {
            for m in &moved {
                println!("{}", serde_json::to_string(m).unwrap_or_default());
            }
            let events: u64 = moved.iter().map(|m| m.events).sum();
            eprintln!(
                "Moved {} channel(s) and {events} queued event(s) to NATS. Start `serve` with the same --store; the connection codes stay valid.",
                moved.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.is_usage() => usage(&e.to_string()),
        Err(e) => fail(&e.to_string()),
    }
}

fn serve(args: ServeArgs) -> ExitCode {
    let filter =
        EnvFilter::try_from_env("HIREWIRE_RELAY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => return usage(&e),
    };
    let listener = match std::net::TcpListener::bind(&args.listen) {
        Ok(l) => l,
        Err(e) => return usage(&format!("cannot listen on {}: {e}", args.listen)),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let result = runtime.block_on(async move {
        let _ = listener.set_nonblocking(true);
        hirewire_relay::server::run(listener, config, shutdown_signal()).await
    });
    // Whatever is still running (a NATS reconnect loop, a stuck disk read) is not waited for.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

fn channel(cmd: ChannelCmd) -> ExitCode {
    let (dir, store, req) = match cmd {
        ChannelCmd::Add {
            name,
            data,
            store,
            public_url,
        } => {
            if name.trim().is_empty() {
                return usage("the channel name must not be empty");
            }
            (data, store, Request::Add { name, public_url })
        }
        ChannelCmd::List { data, store } => (data, store, Request::List),
        ChannelCmd::Remove { id, data, store } => (data, store, Request::Remove { id }),
        ChannelCmd::Rotate {
            id,
            data,
            store,
            public_url,
        } => (data, store, Request::Rotate { id, public_url }),
    };
    match client::run(&dir, store.as_deref(), &req) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            if matches!(req, Request::Add { .. } | Request::Rotate { .. }) {
                eprintln!("Paste the \"connect\" code into the Hirewire app (Setup → Relay). It is shown only once.");
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.kind == ErrorKind::Usage => usage(&e.message),
        Err(e) => fail(&e.message),
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("hirewire-relay: {msg}");
    ExitCode::from(2)
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("hirewire-relay: {msg}");
    ExitCode::from(1)
}
