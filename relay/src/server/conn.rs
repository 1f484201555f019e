//! Connections: a cap on how many are open at once (in all, and from one address), and an
//! idle timeout on each, so that no client, authenticated or not, can hold enough
//! sockets to stop the relay from serving others. A connection over a cap is closed at
//! once, counted in `/metrics` and logged (at most once a second, so a flood does not
//! flood the log too).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::metrics::Metrics;

/// Least time between two "connection refused" log lines.
const LOG_EVERY: Duration = Duration::from_secs(1);

/// Open connections, in all and per address.
#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
    last_log: Option<Instant>,
    refused_since_log: u64,
}

/// The caps and the idle timeout, shared by every accepted connection.
#[derive(Clone)]
pub struct Limiter {
    counts: Arc<Mutex<Counts>>,
    max_total: usize,
    /// `None` behind a trusted proxy: every connection comes from the proxy.
    max_per_ip: Option<usize>,
    idle: Duration,
    metrics: Arc<Metrics>,
}

impl Limiter {
    /// Caps of `max_total` connections, `max_per_ip` from one address, and `idle`.
    pub fn new(
        max_total: usize,
        max_per_ip: Option<usize>,
        idle: Duration,
        metrics: Arc<Metrics>,
    ) -> Self {
        Limiter {
            counts: Arc::default(),
            max_total,
            max_per_ip,
            idle,
            metrics,
        }
    }

    /// Takes a slot for a connection from `peer`, or says which cap it hit.
    fn admit(&self, peer: IpAddr) -> Result<Slot, &'static str> {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let from_peer = c.per_ip.get(&peer).copied().unwrap_or(0);
        let refused = if c.total >= self.max_total {
            Some("max_connections")
        } else if self.max_per_ip.is_some_and(|max| from_peer >= max) {
            Some("max_connections_per_ip")
        } else {
            None
        };
        if let Some(cap) = refused {
            c.refused_since_log += 1;
            if c.last_log.is_none_or(|t| t.elapsed() >= LOG_EVERY) {
                tracing::warn!(
                    cap,
                    %peer,
                    open = c.total,
                    refused = c.refused_since_log,
                    "connection refused: a connection cap is reached (see --max-connections and --max-connections-per-ip)"
                );
                c.last_log = Some(Instant::now());
                c.refused_since_log = 0;
            }
            self.metrics.refuse_connection(cap);
            return Err(cap);
        }
        c.total += 1;
        *c.per_ip.entry(peer).or_default() += 1;
        self.metrics.connections.set(c.total as i64);
        Ok(Slot {
            limiter: self.clone(),
            peer,
        })
    }

    fn release(&self, peer: IpAddr) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.per_ip.get_mut(&peer) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.per_ip.remove(&peer);
            }
        }
        self.metrics.connections.set(c.total as i64);
    }
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("max_total", &self.max_total)
            .field("max_per_ip", &self.max_per_ip)
            .finish()
    }
}

/// A held connection slot, released when the connection is dropped.
#[derive(Debug)]
struct Slot {
    limiter: Limiter,
    peer: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.limiter.release(self.peer);
    }
}

/// The acceptor: caps, `TCP_NODELAY` (events are small frames that must leave at once:
/// Nagle's algorithm would hold them), and the idle timeout.
#[derive(Clone, Debug)]
pub struct Acceptor {
    limiter: Limiter,
}

impl Acceptor {
    /// An acceptor enforcing `limiter`.
    pub fn new(limiter: Limiter) -> Self {
        Acceptor { limiter }
    }
}

impl<S: Send + 'static> Accept<TcpStream, S> for Acceptor {
    type Stream = Guarded;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Guarded, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        std::future::ready(self.wrap(stream).map(|g| (g, service)))
    }
}

impl Acceptor {
    fn wrap(&self, stream: TcpStream) -> io::Result<Guarded> {
        let peer = stream
            .peer_addr()
            .map(|a: SocketAddr| a.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let slot = self
            .limiter
            .admit(peer)
            .map_err(|cap| io::Error::other(format!("connection cap {cap} reached")))?;
        stream.set_nodelay(true)?;
        let idle = self.limiter.idle;
        Ok(Guarded {
            inner: stream,
            _slot: slot,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            metrics: self.limiter.metrics.clone(),
        })
    }
}

/// A connection that gives up when nothing has moved either way for the idle timeout:
/// the backstop for every state (TLS handshake, a request, an upgraded stream whose peer
/// vanished) that the protocol-level timeouts do not cover.
pub struct Guarded {
    inner: TcpStream,
    _slot: Slot,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    metrics: Arc<Metrics>,
}

impl Guarded {
    fn touch(&mut self) {
        let next = tokio::time::Instant::now() + self.idle;
        self.timer.as_mut().reset(next);
    }

    fn idle_expired(&mut self, cx: &mut Context<'_>) -> bool {
        if self.timer.as_mut().poll(cx).is_ready() {
            self.metrics.timeout("idle");
            return true;
        }
        false
    }
}

fn idle_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle for too long")
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending if self.idle_expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    self.touch();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if self.idle_expired(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending if self.idle_expired(cx) => Poll::Ready(Err(idle_error())),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_in_all_and_per_address_and_release_on_drop() {
        let metrics = Arc::new(Metrics::new());
        let limiter = Limiter::new(3, Some(2), Duration::from_secs(1), metrics);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let s1 = limiter.admit(a).ok();
        let s2 = limiter.admit(a).ok();
        assert!(s1.is_some() && s2.is_some());
        assert_eq!(limiter.admit(a).err(), Some("max_connections_per_ip"));
        let s3 = limiter.admit(b).ok();
        assert!(s3.is_some());
        assert_eq!(limiter.admit(b).err(), Some("max_connections"));
        drop(s1);
        assert!(limiter.admit(b).is_ok(), "a slot came free");
    }
}
