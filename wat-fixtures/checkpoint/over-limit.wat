;; With a 16-byte state limit: a 16-byte checkpoint is saved, a 17-byte one is refused with LIMIT_EXCEEDED (4). The
;; job logs the status it got ("status=4") so the return value reaches the trace, then loads its state to show the
;; 16-byte checkpoint was kept.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "over-limit")          ;; 10
  (data (i32.const 80) "execute_over_limit")  ;; 18
  (data (i32.const 112) "exactly-16-bytes")   ;; 16
  (data (i32.const 128) "seventeen-bytes!!")  ;; 17
  (data (i32.const 160) "status=")            ;; 7

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func (export "execute_over_limit") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $status i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; at the limit: saved
    (if (call $checkpoint (local.get $id) (i32.const 112) (i32.const 16)) (then (return (i32.const 2))))
    ;; one byte over: refused
    (local.set $status (call $checkpoint (local.get $id) (i32.const 128) (i32.const 17)))
    ;; log "status=<status>" from 1024
    (drop (call $copy (i32.const 1024) (i32.const 160) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 1031) (local.get $status))))
    ;; the 16-byte checkpoint is still the saved state
    (if (i32.eqz (call $load_state (local.get $id))) (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
