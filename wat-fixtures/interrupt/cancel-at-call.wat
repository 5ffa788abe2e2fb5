;; A cancel planned at a host call that is not a check (interrupt.plans: atCall 1, the job's checkpoint) is pending
;; from that call on, though the job never checks: returning 1 then cancels the job (run.returned), and Cancelled
;; discards the checkpoint it made (checkpoint.kept).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "unchecked")            ;; 9
  (data (i32.const 80) "execute_unchecked")    ;; 17
  (data (i32.const 112) "s")                   ;; 1

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  (func (export "execute_unchecked") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 1)))  ;; call 1: the cancel comes due
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
