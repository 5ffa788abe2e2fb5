;; A job that sees a cancel and returns 0 anyway completes (run.returned): the request decides only what 1 means.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "stubborn")              ;; 8
  (data (i32.const 80) "execute_stubborn")      ;; 16
  (data (i32.const 112) "finishing anyway")     ;; 16

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_stubborn") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $check_interrupt (local.get $id)))
    (drop (call $check_interrupt (local.get $id)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 16))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
