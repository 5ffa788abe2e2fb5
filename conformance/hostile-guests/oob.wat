;; Pointers and lengths at and past the end of guest memory (one 64 KiB page: END = 65536), and ranges that wrap
;; past 2^32 (0xfffffff0 + 32). A range that ends exactly at END is inside memory, and so is length 0 at END; one
;; byte further is INVALID_MEMORY_ACCESS, for every pointer argument: messages, state, the call's method, library id
;; and payload, the child's type and params, register_job's names and the 16-byte job id itself. The bytes
;; "tail" are the last four of memory. plugin_init logs what register_job answered ("register: 1 1 0"); the job
;; logs what its status and pointer calls answered, then completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "oob")                             ;; 3
  (data (i32.const 80) "execute_oob")                     ;; 11
  (data (i32.const 96) "query:libraries.list")            ;; 20
  (data (i32.const 128) "register:")                      ;; 9
  (data (i32.const 144) "checkpoint:")                    ;; 11
  (data (i32.const 160) " | call:")                       ;; 8
  (data (i32.const 176) " | spawn:")                      ;; 9
  (data (i32.const 192) " | id:")                         ;; 6
  (data (i32.const 65532) "tail")                         ;; the last 4 bytes of the page

  (global $END i32 (i32.const 65536))
  (global $WRAP i32 (i32.const 0xfffffff0))
  (global $line (mut i32) (i32.const 1024))

  (func $start_line (param $text i32) (param $len i32)
    (global.set $line (i32.add (i32.const 1024) (call $copy (i32.const 1024) (local.get $text) (local.get $len)))))
  (func $text (param $text i32) (param $len i32)
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (local.get $text) (local.get $len)))))
  ;; Appends " <n>".
  (func $num (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (i32.add (global.get $line) (i32.const 1))
      (call $write_u32 (i32.add (global.get $line) (i32.const 1)) (local.get $n)))))
  (func $line_len (result i32) (i32.sub (global.get $line) (i32.const 1024)))

  (func (export "plugin_init") (result i32)
    (call $start_line (i32.const 128) (i32.const 9))
    ;; the name wraps; then the export name runs one byte past the end
    (call $num (call $register_job (global.get $WRAP) (i32.const 32) (i32.const 80) (i32.const 11) (i32.const 1)))
    (call $num (call $register_job (i32.const 64) (i32.const 3) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4) (i32.const 1)))
    (call $num (call $register_job (i32.const 64) (i32.const 3) (i32.const 80) (i32.const 11) (i32.const 1)))
    (call $log (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  (func (export "execute_oob") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; progress messages: length 0 at the end, the last 4 bytes (ok); one byte over, wrapping, past the end (refused)
    (call $progress (local.get $id) (f32.const 0.5) (global.get $END) (i32.const 0))
    (call $progress (local.get $id) (f32.const 0.5) (i32.sub (global.get $END) (i32.const 4)) (i32.const 4))
    (call $progress (local.get $id) (f32.const 0.5) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4))
    (call $progress (local.get $id) (f32.const 0.5) (global.get $WRAP) (i32.const 32))
    (call $progress (local.get $id) (f32.const 0.5) (i32.add (global.get $END) (i32.const 1)) (i32.const 0))
    ;; checkpoint state: one byte over, wrapping, length 2^32-1 (refused: 1); the last 4 bytes, length 0 at the end (0)
    (call $start_line (i32.const 144) (i32.const 11))
    (call $num (call $checkpoint (local.get $id) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4)))
    (call $num (call $checkpoint (local.get $id) (global.get $WRAP) (i32.const 32)))
    (call $num (call $checkpoint (local.get $id) (i32.const 0) (i32.const 0xffffffff)))
    (call $num (call $checkpoint (local.get $id) (i32.sub (global.get $END) (i32.const 4)) (i32.const 4)))
    (call $num (call $checkpoint (local.get $id) (global.get $END) (i32.const 0)))
    ;; warning, error, job_log, spacedrive_log
    (call $warning (local.get $id) (global.get $WRAP) (i32.const 32))
    (call $warning (local.get $id) (i32.sub (global.get $END) (i32.const 4)) (i32.const 4))
    (call $error (local.get $id) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (global.get $WRAP) (i32.const 32))
    (call $log (i32.const 1) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4))
    ;; spacedrive_call: the method wraps; the library id runs one byte over; the payload wraps; an empty payload
    ;; at the end is fine (answered: a non-zero pointer, logged as 1)
    (call $text (i32.const 160) (i32.const 8))
    (call $num (call $call (global.get $WRAP) (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $num (call $call (i32.const 96) (i32.const 20) (i32.sub (global.get $END) (i32.const 15)) (i32.const 0) (i32.const 0)))
    (call $num (call $call (i32.const 96) (i32.const 20) (i32.const 0) (global.get $WRAP) (i32.const 32)))
    (call $num (i32.ne (call $call (i32.const 96) (i32.const 20) (i32.const 0) (global.get $END) (i32.const 0)) (i32.const 0)))
    ;; job_spawn_child: the type wraps; the params run one byte over
    (call $text (i32.const 176) (i32.const 9))
    (call $num (call $spawn (local.get $id) (global.get $WRAP) (i32.const 32) (i32.const 0) (i32.const 0)))
    (call $num (call $spawn (local.get $id) (i32.const 64) (i32.const 3) (i32.sub (global.get $END) (i32.const 3)) (i32.const 4)))
    ;; the job id pointer itself: wrapping (check_interrupt answers 0), one byte over (checkpoint answers 1), the
    ;; last 16 bytes (in memory, but not this job's id: 2); load_state at the end, items at 0xffffffff, progress
    ;; 8 bytes before the end
    (call $text (i32.const 192) (i32.const 6))
    (call $num (call $check_interrupt (global.get $WRAP)))
    (call $num (call $checkpoint (i32.sub (global.get $END) (i32.const 15)) (i32.const 64) (i32.const 3)))
    (call $num (call $checkpoint (i32.sub (global.get $END) (i32.const 16)) (i32.const 64) (i32.const 3)))
    (call $num (call $load_state (global.get $END)))
    (call $items (i32.const 0xffffffff) (i64.const 1))
    (call $progress (i32.sub (global.get $END) (i32.const 8)) (f32.const 0.5) (i32.const 64) (i32.const 3))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (call $line_len))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
