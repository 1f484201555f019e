//! Raw sockets for tests that play a misbehaving client (idle, slow, unfinished), from a
//! chosen loopback address, and a process's resident memory.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Connects to `to` from `from` (any address of 127/8 works on Linux's loopback).
pub async fn connect_from(from: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(to).await
}

/// What the server did with a connection within a deadline.
#[derive(Debug, PartialEq, Eq)]
pub enum Fate {
    /// It closed it (EOF or reset), after sending these bytes.
    Closed(Vec<u8>),
    /// It is still open (these bytes arrived so far).
    Open(Vec<u8>),
}

/// Reads until the server closes the connection or `within` passes.
pub async fn fate(stream: &mut TcpStream, within: Duration) -> Fate {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return Fate::Open(got),
            Ok(Ok(0)) | Ok(Err(_)) => return Fate::Closed(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads until `needle` arrives, the connection closes, or `within` passes; returns what
/// arrived.
pub async fn read_until(stream: &mut TcpStream, needle: &[u8], within: Duration) -> Vec<u8> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = [0u8; 4096];
    while !got.windows(needle.len()).any(|w| w == needle) {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    got
}

/// Writes bytes; false when the server has closed the connection.
pub async fn send(stream: &mut TcpStream, bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok() && stream.flush().await.is_ok()
}

/// The resident memory of a process in KiB (0 when it cannot be read).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
