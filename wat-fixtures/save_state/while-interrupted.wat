;; The first interrupt check answers pause; the job saves its state anyway and returns 1. In v1 job_checkpoint saves
;; (and returns 0) while an interrupt is pending; a non-zero status would make the job return 2 and fail.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "save-while-interrupted")            ;; 22
  (data (i32.const 96) "execute_save_while_interrupted")    ;; 30
  (data (i32.const 128) "saved-while-paused")               ;; 18

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 22) (i32.const 96) (i32.const 30) (i32.const 1)))

  (func (export "execute_save_while_interrupted") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; the scenario pauses at this first check
    (if (i32.eqz (call $check_interrupt (local.get $id))) (then (return (i32.const 2))))
    ;; save with the pause pending
    (if (call $checkpoint (local.get $id) (i32.const 128) (i32.const 18)) (then (return (i32.const 2))))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
