;; maxMessageBytes 4 counts UTF-8 bytes, and the size is checked before the bytes are decoded (call.message-size,
;; report.non-critical-error, report.log). plugin_init logs a 5-byte line: refused for its size, recorded on the
;; extension (job null). The job adds non-critical errors "éé" (4 bytes: kept), "ééé" (6 bytes: LIMIT_EXCEEDED, size
;; 6, not counted) and 5 bytes that are not UTF-8 (LIMIT_EXCEEDED, size 5: not BAD_ARGUMENT). With maxLogLinesPerJob 1,
;; the job's 5-byte spacedrive_log line (refused for its size, on the job's trace) is not counted: its job_log line
;; "ok" is kept, and only its next spacedrive_log line "ok" goes past the line limit.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "job_add_non_critical_error" (func $error (param i32 i32 i32)))

  (data (i32.const 64) "sizes")                  ;; 5
  (data (i32.const 72) "execute_sizes")          ;; 13
  (data (i32.const 96) "12345")                  ;; 5
  (data (i32.const 104) "\c3\a9\c3\a9\c3\a9")    ;; "ééé": 6 bytes; its first 4 are "éé"
  (data (i32.const 112) "\ff\ff\ff\ff\ff")       ;; 5 bytes, not UTF-8
  (data (i32.const 120) "ok")                    ;; 2

  (func (export "plugin_init") (result i32)
    (call $log (i32.const 1) (i32.const 96) (i32.const 5))
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_sizes") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $error (local.get $id) (i32.const 104) (i32.const 4))   ;; "éé": exactly the limit
    (call $error (local.get $id) (i32.const 104) (i32.const 6))   ;; "ééé": over it
    (call $error (local.get $id) (i32.const 112) (i32.const 5))   ;; over it, and not UTF-8
    (call $log (i32.const 1) (i32.const 96) (i32.const 5))        ;; over it: neither kept nor counted
    (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 2))  ;; the job's one line
    (call $log (i32.const 1) (i32.const 120) (i32.const 2))       ;; past maxLogLinesPerJob
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
