//! Counter job guest for the job-parity harness.
//!
//! This crate is shaped like a guest built with Spacedrive's extension SDK
//! (`crates/sdk` at be454a0b4 + its `#[extension]`/`#[job]` macros), but is
//! written out by hand and without dependencies so it builds offline:
//!
//! * the host imports are declared exactly as the SDK declares them
//!   (`*const u8` / `usize` / `u64`, which lower to wasm `i32` / `i32` / `i64`);
//! * `wasm_alloc` / `wasm_free` are the SDK's allocator exports;
//! * `plugin_init` / `plugin_cleanup` are what the `#[extension]` macro emits
//!   (plus a `register_job` call for the one job);
//! * `execute_counter` is what the `#[job]` macro emits around the job body,
//!   including its "checkpoint again on interrupt" quirk;
//! * the job body follows Spacedrive's test-extension counter job.
//!
//! JSON is read and written by the small helpers at the bottom instead of serde.
//! Must build with Debian's rustc 1.63 (see ../build.sh), so no newer syntax.

use std::alloc::{alloc, dealloc, Layout};

// ---------------------------------------------------------------------------
// Host imports (module "spacedrive"). Same signatures as the SDK's ffi.rs and
// job_context.rs. The linker drops imports the code never calls, just as it
// does for a real SDK guest; see README.md for which ones survive.
// ---------------------------------------------------------------------------
#[link(wasm_import_module = "spacedrive")]
extern "C" {
    fn spacedrive_log(level: u32, msg_ptr: *const u8, msg_len: usize);
    #[allow(dead_code)]
    fn spacedrive_call(
        method_ptr: *const u8,
        method_len: usize,
        library_id_ptr: *const u8,
        payload_ptr: *const u8,
        payload_len: usize,
    ) -> u32;
    fn register_job(
        name_ptr: *const u8,
        name_len: usize,
        export_ptr: *const u8,
        export_len: usize,
        resumable: u32,
    ) -> i32;

    fn job_report_progress(job_id_ptr: *const u8, progress: f32, msg_ptr: *const u8, msg_len: usize);
    fn job_checkpoint(job_id_ptr: *const u8, state_ptr: *const u8, state_len: usize) -> i32;
    fn job_check_interrupt(job_id_ptr: *const u8) -> i32;
    #[allow(dead_code)]
    fn job_add_warning(job_id_ptr: *const u8, msg_ptr: *const u8, msg_len: usize);
    #[allow(dead_code)]
    fn job_increment_bytes(job_id_ptr: *const u8, n: u64);
    fn job_increment_items(job_id_ptr: *const u8, n: u64);
}

/// `spacedrive_log` level 1 = info (what the SDK's `ctx.log` / `log_info` use).
const LOG_INFO: u32 = 1;

fn log_info(msg: &str) {
    unsafe { spacedrive_log(LOG_INFO, msg.as_ptr(), msg.len()) }
}

// ---------------------------------------------------------------------------
// Memory exports used by the host to hand bytes to the guest.
// The SDK allocates with align 1 through the global allocator; we do the same
// but round a zero size up to 1 (a zero-size Layout is not allowed for alloc).
// ---------------------------------------------------------------------------
fn byte_layout(size: i32) -> Option<Layout> {
    if size < 0 {
        return None;
    }
    Layout::from_size_align((size as usize).max(1), 1).ok()
}

#[no_mangle]
pub extern "C" fn wasm_alloc(size: i32) -> *mut u8 {
    match byte_layout(size) {
        Some(layout) => unsafe { alloc(layout) },
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub extern "C" fn wasm_free(ptr: *mut u8, size: i32) {
    if ptr.is_null() {
        return;
    }
    if let Some(layout) = byte_layout(size) {
        unsafe { dealloc(ptr, layout) }
    }
}

// ---------------------------------------------------------------------------
// Extension lifecycle (what `#[extension]` generates, plus job registration).
// ---------------------------------------------------------------------------
const JOB_NAME: &str = "counter";
const JOB_EXPORT: &str = "execute_counter";

#[no_mangle]
pub extern "C" fn plugin_init() -> i32 {
    let rc = unsafe {
        register_job(
            JOB_NAME.as_ptr(),
            JOB_NAME.len(),
            JOB_EXPORT.as_ptr(),
            JOB_EXPORT.len(),
            1, // resumable
        )
    };
    if rc == 0 {
        0
    } else {
        1
    }
}

#[no_mangle]
pub extern "C" fn plugin_cleanup() -> i32 {
    0
}

// ---------------------------------------------------------------------------
// Job context (mirrors the SDK's JobContext: ids kept as 16 raw UUID bytes,
// and a pointer to the job id bytes is passed to every job_* import).
// ---------------------------------------------------------------------------
enum JobError {
    /// The job saw an interrupt (the SDK example returns an error here).
    Interrupted,
    /// `job_checkpoint` returned non-zero.
    CheckpointFailed,
}

struct JobContext {
    job_id: [u8; 16],
    #[allow(dead_code)]
    library_id: [u8; 16],
}

impl JobContext {
    fn from_json(ctx: &str) -> Option<JobContext> {
        let fields = parse_flat_object(ctx)?;
        let job_id = parse_uuid(get_str(&fields, "job_id")?)?;
        let library_id = parse_uuid(get_str(&fields, "library_id")?)?;
        Some(JobContext { job_id, library_id })
    }

    fn id(&self) -> *const u8 {
        self.job_id.as_ptr()
    }

    fn log(&self, msg: &str) {
        // Like the SDK: job logging is plain spacedrive_log, not job-scoped.
        log_info(msg);
    }

    /// SDK quirk: any non-zero return counts as "interrupted".
    fn check_interrupt(&self) -> bool {
        unsafe { job_check_interrupt(self.id()) != 0 }
    }

    /// Serializes the state to JSON; a non-zero host return is a failure.
    fn checkpoint(&self, state: &CounterState) -> Result<(), JobError> {
        let bytes = state.to_json();
        let rc = unsafe { job_checkpoint(self.id(), bytes.as_ptr(), bytes.len()) };
        if rc == 0 {
            Ok(())
        } else {
            Err(JobError::CheckpointFailed)
        }
    }

    fn report_progress(&self, progress: f32, msg: &str) {
        unsafe { job_report_progress(self.id(), progress, msg.as_ptr(), msg.len()) }
    }

    fn increment_items(&self, n: u64) {
        unsafe { job_increment_items(self.id(), n) }
    }
}

// ---------------------------------------------------------------------------
// Job state.
// ---------------------------------------------------------------------------
const DEFAULT_TARGET: u32 = 25;

struct CounterState {
    current: u32,
    target: u32,
}

impl Default for CounterState {
    fn default() -> Self {
        CounterState { current: 0, target: DEFAULT_TARGET }
    }
}

impl CounterState {
    /// Exactly `{"current":N,"target":M}` (serde_json's compact form).
    fn to_json(&self) -> String {
        format!("{{\"current\":{},\"target\":{}}}", self.current, self.target)
    }

    /// Both fields required, unknown fields ignored (serde's defaults).
    fn from_json(s: &str) -> Option<CounterState> {
        let fields = parse_flat_object(s)?;
        Some(CounterState {
            current: get_u32(&fields, "current")?,
            target: get_u32(&fields, "target")?,
        })
    }
}

// ---------------------------------------------------------------------------
// The job body (Spacedrive's test-extension counter, adapted).
// ---------------------------------------------------------------------------
fn counter(ctx: &JobContext, state: &mut CounterState) -> Result<(), JobError> {
    ctx.log(&format!("Counter starting at {}/{}", state.current, state.target));

    while state.current < state.target {
        if ctx.check_interrupt() {
            // The job saves its own checkpoint, then reports the interrupt as
            // an error; the wrapper below checkpoints a second time.
            ctx.checkpoint(state)?;
            return Err(JobError::Interrupted);
        }

        state.current += 1;
        ctx.increment_items(1);
        // Progress is an f32 fraction computed here, in the guest.
        let progress = state.current as f32 / state.target as f32;
        ctx.report_progress(progress, &format!("Counted {}/{}", state.current, state.target));

        if state.current % 10 == 0 {
            ctx.checkpoint(state)?;
        }
    }

    ctx.log(&format!("Counter completed: {}", state.current));
    Ok(())
}

// ---------------------------------------------------------------------------
// The export (what `#[job]` generates): parse context and state, run the body,
// map the result to 0 = Completed, 1 = Interrupted, 2 = Failed.
// ---------------------------------------------------------------------------
const EXIT_COMPLETED: i32 = 0;
const EXIT_INTERRUPTED: i32 = 1;
const EXIT_FAILED: i32 = 2;

/// Borrow `len` bytes the host wrote at `ptr` as UTF-8.
unsafe fn host_str<'a>(ptr: *const u8, len: i32) -> Option<&'a str> {
    if len <= 0 || ptr.is_null() {
        return Some("");
    }
    std::str::from_utf8(std::slice::from_raw_parts(ptr, len as usize)).ok()
}

#[no_mangle]
pub extern "C" fn execute_counter(
    ctx_ptr: *const u8,
    ctx_len: i32,
    state_ptr: *const u8,
    state_len: i32,
) -> i32 {
    let ctx = match unsafe { host_str(ctx_ptr, ctx_len) }.and_then(JobContext::from_json) {
        Some(ctx) => ctx,
        None => return EXIT_FAILED,
    };

    // state_len 0 means "start from the default state".
    let mut state = if state_len == 0 {
        CounterState::default()
    } else {
        match unsafe { host_str(state_ptr, state_len) }.and_then(CounterState::from_json) {
            Some(s) => s,
            None => return EXIT_FAILED,
        }
    };

    match counter(&ctx, &mut state) {
        Ok(()) => EXIT_COMPLETED,
        Err(JobError::Interrupted) => {
            // SDK macro quirk: checkpoint AGAIN after the job's own checkpoint,
            // so the host sees two identical checkpoints in a row.
            let _ = ctx.checkpoint(&state);
            EXIT_INTERRUPTED
        }
        Err(JobError::CheckpointFailed) => EXIT_FAILED,
    }
}

// ---------------------------------------------------------------------------
// Tiny JSON reader: one flat object; values kept are strings (no escapes
// needed for UUIDs, but \" and \\ are handled) and unsigned integers; any other
// value (arrays, objects, bools, null, floats) is skipped.
// ---------------------------------------------------------------------------
enum JsonValue {
    Str(String),
    UInt(u64),
    Other,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.peek()? == c {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    out.push(match e {
                        b'"' | b'\\' | b'/' => e,
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        _ => return None, // \b \f \uXXXX: not needed here
                    });
                }
                _ => out.push(c),
            }
        }
    }

    /// Skip any JSON value (used for fields we do not read).
    fn skip(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                let start = self.i;
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                if self.i > start {
                    Some(())
                } else {
                    None
                }
            }
        }
    }

    fn value(&mut self) -> Option<JsonValue> {
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(JsonValue::Str),
            b'0'..=b'9' => {
                let start = self.i;
                self.skip()?;
                let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
                Some(match text.parse::<u64>() {
                    Ok(n) => JsonValue::UInt(n),
                    Err(_) => JsonValue::Other, // float or out of range
                })
            }
            _ => self.skip().map(|_| JsonValue::Other),
        }
    }
}

fn parse_flat_object(s: &str) -> Option<Vec<(String, JsonValue)>> {
    let mut r = Reader { b: s.as_bytes(), i: 0 };
    let mut fields = Vec::new();
    r.eat(b'{')?;
    r.ws();
    if r.peek()? == b'}' {
        r.i += 1;
    } else {
        loop {
            let key = r.string()?;
            r.eat(b':')?;
            let val = r.value()?;
            fields.push((key, val));
            r.ws();
            match r.peek()? {
                b',' => r.i += 1,
                b'}' => {
                    r.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    r.ws();
    if r.i == r.b.len() {
        Some(fields)
    } else {
        None
    }
}

fn get_str<'a>(fields: &'a [(String, JsonValue)], key: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == key).and_then(|(_, v)| match v {
        JsonValue::Str(s) => Some(s.as_str()),
        _ => None,
    })
}

fn get_u32(fields: &[(String, JsonValue)], key: &str) -> Option<u32> {
    fields.iter().find(|(k, _)| k == key).and_then(|(_, v)| match v {
        JsonValue::UInt(n) => u32::try_from(*n).ok(),
        _ => None,
    })
}

/// Hyphenated (or plain) hex UUID -> 16 raw bytes, as the SDK's parse_uuid.
fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let hex: Vec<u8> = s.bytes().filter(|&c| c != b'-').collect();
    if hex.len() != 32 {
        return None;
    }
    let nibble = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = (nibble(hex[2 * i])? << 4) | nibble(hex[2 * i + 1])?;
    }
    Some(out)
}
