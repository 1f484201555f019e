//! Every key format of the links, meta counters and dedupe records, in one place, so that
//! one can see which keys hold an opportunity's data (all the link keys below carry the
//! opportunity id, except notes and outcomes, which carry the job or interview).
//!
//! Links (`links-v1`, key → value):
//! - `employee:{opp}` → the bob employee created or found for the hire of `opp`;
//! - `doc:{opp}:{file}` → the bob document copied from Lever file `file` of `opp`;
//! - `done:{action}` / `intent:{action}` → the result / the start of a create that cannot
//!   be asked "did you?" (see `flows::once`), where `{action}` is `invite:{opp}:{test}`,
//!   `note:{what}` or `outcome:{job}`;
//! - `callback:{token}` → the interview whose own callback URL ends in `token` (until the
//!   partner has answered, `pending:{opp}`);
//! - `rule:{opp}:{interview}` → the history entry that applies the score rule to that
//!   result (one per result, however often it arrives); its writes are the actions
//!   `rule-move:…`, `rule-tag:…` and `rule-archive:…` with the same `{opp}:{interview}`.

/// The bob employee of the hire of `opp`.
pub fn employee(opp: &str) -> String {
    format!("employee:{opp}")
}

/// The bob document copied from the Lever file with key `file` of `opp`.
pub fn document(opp: &str, file: &str) -> String {
    format!("doc:{opp}:{file}")
}

/// The action "send the invite for `test` to `opp`".
pub fn invite(opp: &str, test: &str) -> String {
    format!("invite:{opp}:{test}")
}

/// The prefix of every unfinished invite intent of `opp`.
pub fn invite_intents(opp: &str) -> String {
    intent(&format!("invite:{opp}:"))
}

/// The action "add the note `what`" (`what` names the note's purpose, e.g. `invite:{id}`).
pub fn note(what: &str) -> String {
    format!("note:{what}")
}

/// The action "tell the partner the outcome of job `job`".
pub fn outcome(job: u64) -> String {
    format!("outcome:{job}")
}

/// The entry that applies the score rule to interview `interview` of `opp`.
pub fn score_rule(opp: &str, interview: &str) -> String {
    format!("rule:{opp}:{interview}")
}

/// The action "the score rule's `what` (`move`, `tag`, `archive`) for this result".
pub fn rule_action(what: &str, opp: &str, interview: &str) -> String {
    format!("rule-{what}:{opp}:{interview}")
}

/// Every link-key prefix of the score rules applied to `opp` (for a purge).
pub fn score_rule_prefixes(opp: &str) -> Vec<String> {
    let mut out = vec![score_rule(opp, "")];
    for what in ["move", "tag", "archive"] {
        out.push(done(&rule_action(what, opp, "")));
        out.push(intent(&rule_action(what, opp, "")));
    }
    out
}

/// The link that holds an action's result.
pub fn done(action: &str) -> String {
    format!("done:{action}")
}

/// The link that holds an action's start.
pub fn intent(action: &str) -> String {
    format!("intent:{action}")
}

/// The link from an invite's own callback token to its interview (or, until the partner
/// has answered, to `pending:{opp}`).
pub fn callback(token: &str) -> String {
    format!("callback:{token}")
}

/// What every [`callback`] link starts with.
pub const CALLBACK: &str = "callback:";

/// The value of a [`callback`] link until the partner has named the interview: the
/// opportunity the invite is for.
pub fn pending_callback(opp: &str) -> String {
    format!("{PENDING_CALLBACK}{opp}")
}

/// What every [`pending_callback`] value starts with.
pub const PENDING_CALLBACK: &str = "pending:";

/// The `what` of the note that says an invite for `interview` was sent (see [`note`]).
pub fn invite_note(interview: &str) -> String {
    format!("invite:{interview}")
}

/// The `what` of the note that gives the result of `interview` (see [`note`]).
pub fn result_note(interview: &str) -> String {
    format!("result:{interview}")
}

/// The `what` of the note that says a score rule acted on `interview` (see [`note`]).
pub fn rule_note(interview: &str) -> String {
    format!("rule:{interview}")
}

/// Dedupe key of a Lever delivery's `token`.
pub fn seen_token(token: &str) -> String {
    format!("token:{token}")
}

/// Dedupe key of a Lever event `id`.
pub fn seen_id(id: &str) -> String {
    format!("id:{id}")
}

/// Meta key: when the first verified event arrived on `endpoint`.
pub fn first_signed(endpoint: &str) -> String {
    format!("first_signed:{endpoint}")
}

/// Meta key of the day's one entry that counts posts to unknown endpoints (`day`: days
/// since 1970).
pub fn unknown_endpoints(day: u64) -> String {
    format!("unknown_endpoints:{day}")
}

/// Meta key of the next history entry id.
pub const NEXT_ID: &str = "next_id";
/// Meta key of the next inbox position.
pub const NEXT_INBOX: &str = "next_inbox";
/// Meta counter raised by every settings write, so a process can tell that the settings
/// it parsed are still the stored ones without parsing them again.
pub const SETTINGS_GEN: &str = "settings_gen";
/// Meta key set when the setup wizard was finished.
pub const SETUP_DONE: &str = "setup_done";
/// Meta key: when settings were first saved (ms).
pub const CONFIGURED_AT: &str = "configured_at";
/// Meta key: where the last catch-up with Lever ended (ms); the next starts there.
pub const RECONCILED_UNTIL: &str = "reconciled_until";
/// Meta key: when the last catch-up ran (ms), for the schedule.
pub const RECONCILED_AT: &str = "reconciled_at";
/// Meta key set when the user left the demo for the real setup.
pub const DEMO_DISMISSED: &str = "demo_dismissed";

/// Meta key of the last relay seq taken from one relay channel: the cursor belongs to the
/// relay (its URL) and the channel, so another channel starts from its own beginning.
pub fn relay_seq(relay_url: &str, channel: &str) -> String {
    format!("relay_seq:{relay_url}#{channel}")
}

/// The mark that an opportunity's data was purged: its id is kept only as a SHA-256, so
/// that an old event for it is recognised and creates nothing, while the store no longer
/// says which candidate it was.
pub fn purged(opp: &str) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(opp.as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("{PURGED}{hex}")
}

/// What every mark of [`purged`] starts with.
pub const PURGED: &str = "purged:";

/// Meta: 1 while this profile is a team's engine, so every change to an entry is marked
/// for the team log (see `crate::team::publish`).
pub const TEAM_PUBLISH: &str = "team_publish";
/// Meta: the last change mark given to an entry in `team-outbox-v1`.
pub const TEAM_MARK: &str = "team_mark";
/// Meta: the next position of the team log, as the engine last appended (engine), or the
/// position after the last record applied (seat).
pub const TEAM_LOG_NEXT: &str = "team_log_next";
/// Meta: the last command seq taken from the relay (engine).
pub const TEAM_COMMANDS: &str = "team_commands";
/// Meta: the newest key epoch whose record was written to the log (engine).
pub const TEAM_EPOCH_PUBLISHED: &str = "team_epoch_published";
/// Meta: bumped whenever the team's members, invites or key epochs change, so the running
/// engine re-reads them (another process, `hirewire team …`, may have changed them).
pub const TEAM_GEN: &str = "team_gen";

/// Team table: this profile's part in a team (engine or seat).
pub const TEAM_CONFIG: &str = "config";
/// Team table: a member device.
pub fn team_member(device: &str) -> String {
    format!("member:{device}")
}
/// Team table: an open invite, by its relay mailbox.
pub fn team_invite(mailbox: &str) -> String {
    format!("invite:{mailbox}")
}
/// Team table: a seat's command the engine carried out or refused, by command id.
pub fn team_command(id: &str) -> String {
    format!("command:{id}")
}
/// Team table (seat): the engine's answer to one of this seat's commands.
pub fn team_result(id: &str) -> String {
    format!("result:{id}")
}
/// Team table (seat): the team's members as the engine last published them.
pub const TEAM_MEMBERS: &str = "members";
/// Team table (seat): the webhook health as the engine last published it.
pub const TEAM_HEALTH: &str = "health";
/// Team table (seat): when the engine was last seen, as the relay said.
pub const TEAM_ENGINE_SEEN: &str = "engine_seen";
/// Meta: the next number of a team record waiting in `team-v1` under [`team_out`].
pub const TEAM_OUT_NEXT: &str = "team_out_next";
/// Team table: a record (members, a command's result) waiting to be appended to the log,
/// in order.
pub fn team_out(n: u64) -> String {
    format!("out:{n:020}")
}
/// The prefix of every [`team_out`] key.
pub const TEAM_OUT_PREFIX: &str = "out:";
/// Team table (seat): a command sent whose answer has not come, by action and entry.
pub fn team_pending(action: &str, entry: u64) -> String {
    format!("pending:{action}:{entry}")
}
