//! Team mode's cryptography and wire formats (see `docs/team.md`): device and team keys,
//! the engine's sealed and signed log records, members' sealed and signed commands, invite
//! codes, and the SPAKE2 pairing that hands a new seat its keys. No I/O: the engine and the
//! seats move these bytes through the relay.

pub mod command;
pub mod invite;
pub mod keys;
pub mod pairing;
pub mod record;

mod frame;

pub use command::{
    open_command, peek_command, seal_command, Action, CommandBody, CommandError, MAX_COMMAND_BYTES,
};
pub use invite::{Invite, InviteError};
pub use keys::{
    device_id_from_str, device_id_to_string, new_device_id, DeviceId, DeviceKeys, Epochs, KeyError,
    TeamKey,
};
pub use pairing::{JoinAnswer, JoinRequest, Pairing, PairingError, Session, Side};
pub use record::{open_record, seal_epoch, seal_record, Opened, RecordError};
