//! Private `nats-server` processes for the relay's NATS store: one node, or a cluster of
//! three on 127.0.0.1, JetStream on, stores in a temporary directory, free ports, killed
//! (SIGKILL) when dropped. A node can be killed with `kill -9`, stopped and started again
//! on the same ports and store.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::proc::Proc;

/// How long a node may take to start and, in a cluster, to find its peers' leader.
const START_TIMEOUT: Duration = crate::deadline::START;
/// NATS's own message limit, raised so that the relay's largest test body (2 MiB) fits.
const MAX_PAYLOAD: &str = "8MB";

/// One `nats-server` process and how to start it again.
pub struct Node {
    /// The process (`None` while it is down).
    pub proc: Option<Proc>,
    /// Its client port on 127.0.0.1.
    pub port: u16,
    config: PathBuf,
    name: String,
}

impl Node {
    /// The node's client URL.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the node from its config file and waits for `ready` in its log.
    async fn launch(&mut self, ready: &str) {
        let mut cmd = Command::new("nats-server");
        cmd.arg("-c").arg(&self.config);
        let mut proc = Proc::spawn(&self.name, cmd);
        proc.wait_line(ready, START_TIMEOUT).await;
        self.proc = Some(proc);
    }

    /// Kills the node with SIGKILL (as a crash would).
    pub fn kill9(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.kill9();
        }
    }

    /// Stops the node with SIGTERM and waits for it to exit.
    pub async fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            if p.terminate(START_TIMEOUT).await.is_none() {
                p.kill9();
            }
        }
    }

    /// Starts the node again on the same ports and store.
    pub async fn restart(&mut self) {
        self.kill9();
        self.launch("Server is ready").await;
    }
}

/// A single node or a cluster.
pub struct Nats {
    /// The nodes.
    pub nodes: Vec<Node>,
    _tmp: tempfile::TempDir,
}

impl Nats {
    /// The directory holding every node's config and JetStream store.
    pub fn dir(&self) -> &Path {
        self._tmp.path()
    }

    /// One node with JetStream.
    pub async fn single() -> Nats {
        Nats::start(1).await
    }

    /// Three nodes clustered on 127.0.0.1, each with JetStream.
    pub async fn cluster() -> Nats {
        Nats::start(3).await
    }

    async fn start(n: usize) -> Nats {
        assert!(
            Command::new("nats-server")
                .arg("--version")
                .output()
                .is_ok(),
            "nats-server is not installed: run scripts/setup (Debian package nats-server)"
        );
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let clients: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let routes: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let mut nodes = Vec::new();
        for (i, &port) in clients.iter().enumerate() {
            let name = format!("nats{}", i + 1);
            let config = tmp.path().join(format!("{name}.conf"));
            let text = config_text(&name, tmp.path(), port, (n > 1).then_some(&routes[..]), i);
            std::fs::write(&config, text).unwrap_or_else(|e| panic!("{e}"));
            nodes.push(Node {
                proc: None,
                port,
                config,
                name,
            });
        }
        // A cluster's nodes find each other once all are up; then a leader is elected.
        for node in &mut nodes {
            node.launch("Server is ready").await;
        }
        let nats = Nats { nodes, _tmp: tmp };
        if n > 1 {
            nats.wait_for_leader().await;
        }
        nats
    }

    /// Waits until the cluster has elected a JetStream metadata leader.
    pub async fn wait_for_leader(&self) {
        let nodes = &self.nodes;
        crate::wait::until_true("a JetStream metadata leader", START_TIMEOUT, || {
            let found = nodes.iter().any(|n| {
                n.proc.as_ref().is_some_and(|p| {
                    p.output().iter().any(|l| {
                        l.contains("JetStream cluster new metadata leader")
                            || l.contains("Self is new JetStream cluster metadata leader")
                    })
                })
            });
            async move { found }
        })
        .await;
    }

    /// The `--store` value that reaches every node.
    pub fn store_url(&self) -> String {
        let hosts: Vec<String> = self
            .nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port))
            .collect();
        format!("nats://{}", hosts.join(","))
    }
}

/// A node's config file.
fn config_text(name: &str, dir: &Path, port: u16, routes: Option<&[u16]>, me: usize) -> String {
    let store = dir.join(format!("{name}-js"));
    let mut text = format!(
        "server_name: {name}\nlisten: 127.0.0.1:{port}\nmax_payload: {MAX_PAYLOAD}\n\
         jetstream {{\n  store_dir: \"{}\"\n  max_memory_store: 256MB\n  max_file_store: 4GB\n}}\n",
        store.display()
    );
    if let Some(routes) = routes {
        let urls: Vec<String> = routes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != me)
            .map(|(_, p)| format!("nats-route://127.0.0.1:{p}"))
            .collect();
        text.push_str(&format!(
            "cluster {{\n  name: hirewire\n  listen: 127.0.0.1:{}\n  routes: [{}]\n}}\n",
            routes[me],
            urls.join(", ")
        ));
    }
    text
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Publishes one message on `subject` through a bare NATS connection to `port` (as another
/// program, or a bug, could), and returns once the server has processed it.
pub async fn publish_raw(port: u16, subject: &str, payload: &[u8]) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| panic!("connect to nats: {e}"));
    let mut msg = format!(
        "CONNECT {{\"verbose\":false,\"pedantic\":false}}\r\nPUB {subject} {}\r\n",
        payload.len()
    )
    .into_bytes();
    msg.extend_from_slice(payload);
    msg.extend_from_slice(b"\r\nPING\r\n");
    conn.write_all(&msg)
        .await
        .unwrap_or_else(|e| panic!("write to nats: {e}"));
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + START_TIMEOUT;
    while !String::from_utf8_lossy(&seen).contains("PONG") {
        match tokio::time::timeout_at(deadline, conn.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
            other => panic!("nats did not answer the publish: {other:?}"),
        }
    }
}
