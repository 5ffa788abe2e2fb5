;; WASM-only: a flooded job's calls still check memory first (scenario: maxLogLinesPerJob 1, maxWarningsPerJob 1).
;; Once a limit is reached, a line (or warning) is dropped after the checks of call.check-order: one whose message
;; or job id is outside memory is refused with INVALID_MEMORY_ACCESS and is not counted as dropped, while one in
;; memory is dropped without an event and counted, whatever its bytes ("line\ff" is not UTF-8).
;;   lines: "line" kept; "line" LIMIT_EXCEEDED (dropped 1); a job_log message at (65534, 4), past the end of the one
;;   page, INVALID_MEMORY_ACCESS msg_ptr; "line" (dropped 2); "line\ff" (dropped 3); a spacedrive_log message at
;;   (0xfffffff0, 4), INVALID_MEMORY_ACCESS msg_ptr; spacedrive_log "line" (dropped 4); a job_log job id at
;;   0xfffffff0, INVALID_MEMORY_ACCESS job_id_ptr. droppedLogLines 4.
;;   warnings: "warn" kept; "warn" LIMIT_EXCEEDED (dropped 1); a message at (0xfffffff0, 4), INVALID_MEMORY_ACCESS
;;   msg_ptr; a job id at 65530 (its 16 bytes past the end), INVALID_MEMORY_ACCESS job_id_ptr; "warn" (dropped 2).
;;   droppedWarnings 2, metrics.warnings 1.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))

  (data (i32.const 64) "flood")                           ;; 5
  (data (i32.const 72) "execute_flood")                   ;; 13
  (data (i32.const 96) "line\ff")                         ;; 5 ("line" is its first 4)
  (data (i32.const 104) "warn")                           ;; 4

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_flood") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 65534) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 4))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 5))
    (call $log (i32.const 1) (i32.const 0xfffffff0) (i32.const 4))
    (call $log (i32.const 1) (i32.const 96) (i32.const 4))
    (call $job_log (i32.const 0xfffffff0) (i32.const 1) (i32.const 96) (i32.const 4))
    (call $warning (local.get $id) (i32.const 104) (i32.const 4))
    (call $warning (local.get $id) (i32.const 104) (i32.const 4))
    (call $warning (local.get $id) (i32.const 0xfffffff0) (i32.const 4))
    (call $warning (i32.const 65530) (i32.const 104) (i32.const 4))
    (call $warning (local.get $id) (i32.const 104) (i32.const 4))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
