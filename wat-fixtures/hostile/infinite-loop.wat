;; After checkpointing "before-loop", the job spins in a loop that never calls the host. The host's run time limit
;; (limits.runTimeoutMs, 20 ms in the scenario) stops it: the job ends Failed with cause timeout, keeps its
;; checkpoint and is not resumed.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))

  (data (i32.const 64) "spin")                            ;; 4
  (data (i32.const 80) "execute_spin")                    ;; 12
  (data (i32.const 96) "before-loop")                     ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  (func (export "execute_spin") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx)) (i32.const 96) (i32.const 11)))
    (loop $forever (br $forever))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
