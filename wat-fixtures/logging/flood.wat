;; Under a limit of 3 log lines per job, the job logs 6 lines with job_log. Lines 1..3 are recorded; line 4 is
;; cut off with one abi_violation (LIMIT_EXCEEDED) saying later lines are dropped; lines 5 and 6 are dropped and
;; counted without another event, so a flooding guest cannot flood the trace with refusals either.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "flood")            ;; 5
  (data (i32.const 80) "execute_flood")    ;; 13
  (data (i32.const 96) "line 1")           ;; 6
  (data (i32.const 104) "line 2")          ;; 6
  (data (i32.const 112) "line 3")          ;; 6
  (data (i32.const 120) "line 4")          ;; 6
  (data (i32.const 128) "line 5")          ;; 6
  (data (i32.const 136) "line 6")          ;; 6

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))

  (func (export "execute_flood") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 96) (i32.const 6))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 104) (i32.const 6))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 6))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 6))  ;; over the limit: one LIMIT_EXCEEDED
    (call $job_log (local.get $id) (i32.const 1) (i32.const 128) (i32.const 6))  ;; dropped silently
    (call $job_log (local.get $id) (i32.const 1) (i32.const 136) (i32.const 6))  ;; dropped silently
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
