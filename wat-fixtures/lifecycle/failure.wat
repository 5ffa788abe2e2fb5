;; Checkpoints "before-failure", then returns 2 (Failed): the job must end Failed with its checkpoint kept, and a
;; failed job is not resumed (the scenario has resume on).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "failure")                         ;; 7
  (data (i32.const 80) "execute_failure")                 ;; 15
  (data (i32.const 96) "before-failure")                  ;; 14

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))

  (func (export "execute_failure") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx)) (i32.const 96) (i32.const 14)))
    (i32.const 2))

  ;; @include "../lib/runtime.wat"
)
