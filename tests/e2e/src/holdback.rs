//! A relay made to hold events back: a TCP proxy in front of the real relay that, for the
//! first `n` stream connections, lets the upgrade and the welcome frame through and then
//! withholds everything else the relay sends (events, notices, pings), as a wedged stream
//! would. Plain HTTP (the status check, posts) and later streams pass untouched.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The proxy; stops when dropped.
pub struct HoldBack {
    addr: SocketAddr,
    held: Arc<AtomicUsize>,
    streams: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl HoldBack {
    /// Proxies to `relay`, holding back the first `n` streams after their welcome.
    pub async fn start(relay: SocketAddr, n: usize) -> HoldBack {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("hold-back proxy: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("hold-back proxy: {e}"));
        let held = Arc::new(AtomicUsize::new(0));
        let streams = Arc::new(AtomicUsize::new(0));
        let (h, s) = (held.clone(), streams.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (h, s) = (h.clone(), s.clone());
                tokio::spawn(async move {
                    let _ = serve(client, relay, n, &h, &s).await;
                });
            }
        });
        HoldBack {
            addr,
            held,
            streams,
            task,
        }
    }

    /// The URL to give the app instead of the relay's.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Streams held back so far.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// Streams opened through the proxy so far.
    pub fn streams(&self) -> usize {
        self.streams.load(Ordering::SeqCst)
    }
}

impl Drop for HoldBack {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut client: TcpStream,
    relay: SocketAddr,
    n: usize,
    held: &AtomicUsize,
    streams: &AtomicUsize,
) -> std::io::Result<()> {
    let mut upstream = TcpStream::connect(relay).await?;
    let head = read_head(&mut client).await?;
    let is_stream = String::from_utf8_lossy(&head)
        .to_ascii_lowercase()
        .contains("upgrade: websocket");
    let hold = is_stream && streams.fetch_add(1, Ordering::SeqCst) < n;
    upstream.write_all(&head).await?;
    let (mut cr, mut cw) = client.into_split();
    let (mut ur, mut uw) = upstream.into_split();
    let up = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut cr, &mut uw).await;
        let _ = uw.shutdown().await;
    });
    if hold {
        // The response head, then the welcome frame, then nothing.
        let response = read_head(&mut ur).await?;
        cw.write_all(&response).await?;
        let welcome = read_frame(&mut ur).await?;
        cw.write_all(&welcome).await?;
        held.fetch_add(1, Ordering::SeqCst);
        let mut sink = [0u8; 8192];
        while ur.read(&mut sink).await? > 0 {}
    } else {
        let _ = tokio::io::copy(&mut ur, &mut cw).await;
    }
    let _ = cw.shutdown().await;
    up.abort();
    Ok(())
}

/// Bytes up to and including the blank line that ends an HTTP head.
async fn read_head(r: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if r.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
        if head.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    }
    Ok(head)
}

/// One whole WebSocket frame as the server sent it (unmasked, RFC 6455 section 5.2).
async fn read_frame(r: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Vec<u8>> {
    let mut frame = vec![0u8; 2];
    r.read_exact(&mut frame).await?;
    let len = match frame[1] & 0x7f {
        126 => {
            let mut ext = [0u8; 2];
            r.read_exact(&mut ext).await?;
            frame.extend_from_slice(&ext);
            u16::from_be_bytes(ext) as usize
        }
        127 => {
            let mut ext = [0u8; 8];
            r.read_exact(&mut ext).await?;
            frame.extend_from_slice(&ext);
            usize::try_from(u64::from_be_bytes(ext))
                .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidData))?
        }
        n => n as usize,
    };
    let start = frame.len();
    frame.resize(start + len, 0);
    r.read_exact(&mut frame[start..]).await?;
    Ok(frame)
}
