//! What a command reads from the person: stdin, or a hidden prompt on a terminal.

use std::io::{IsTerminal, Read};

use super::Failure;
use crate::engine::secrets::Secret;

/// All of stdin; `what` names it in the error.
pub fn read_stdin(what: &str) -> Result<String, Failure> {
    let mut t = String::new();
    std::io::stdin()
        .read_to_string(&mut t)
        .map_err(|e| Failure::Usage(format!("cannot read {what} from stdin: {e}")))?;
    Ok(t)
}

/// A Lever setup key: prompted for without echo on a terminal, else read from stdin. It
/// lives in memory for this command only.
pub fn setup_key() -> Result<Secret, Failure> {
    let key = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Lever setup key: ")
            .map_err(|e| Failure::Other(e.to_string()))?
    } else {
        read_stdin("the setup key")?
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(Failure::Usage("give the Lever setup key on stdin".into()));
    }
    Ok(Secret::new(key))
}
