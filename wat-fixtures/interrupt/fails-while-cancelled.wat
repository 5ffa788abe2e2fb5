;; A job that sees a cancel, checkpoints and returns 2 fails (run.returned): a pending cancel decides only what 1
;; means. Failed keeps the checkpoint (checkpoint.kept), where Cancelled would discard it.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "fails_cancelled")            ;; 15
  (data (i32.const 80) "execute_fails_cancelled")    ;; 23
  (data (i32.const 112) "s")                         ;; 1

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 15) (i32.const 80) (i32.const 23) (i32.const 1)))

  (func (export "execute_fails_cancelled") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $check_interrupt (local.get $id)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 1)))
    (i32.const 2))

  ;; @include "../lib/runtime.wat"
)
