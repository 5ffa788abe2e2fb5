;; An increment by 0 is an increment (metrics.increment): job_increment_bytes(job, 0) records `metrics` with delta
;; "0" and the total as it was (7), and job_increment_items(job, 0) records delta "0", total "0".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "zero")               ;; 4
  (data (i32.const 72) "execute_zero")       ;; 12

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))

  (func (export "execute_zero") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $bytes (local.get $id) (i64.const 7))
    (call $bytes (local.get $id) (i64.const 0))
    (call $items (local.get $id) (i64.const 0))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
