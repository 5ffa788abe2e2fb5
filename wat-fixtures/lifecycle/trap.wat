;; Checkpoints "last-good", then traps (unreachable): the job must end Failed with cause trap, the trap text in its
;; error, and its checkpoint kept; a failed job is not resumed (the scenario has resume on).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "trap")                            ;; 4
  (data (i32.const 80) "execute_trap")                    ;; 12
  (data (i32.const 96) "last-good")                       ;; 9

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  (func (export "execute_trap") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx)) (i32.const 96) (i32.const 9)))
    (unreachable))

  ;; @include "../lib/runtime.wat"
)
