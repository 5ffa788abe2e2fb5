;; WASM-only (a native run has no stall limit): the job checkpoints "before-spin", counts one item, and then spins
;; in a loop that never calls the host. There is no wall-clock limit (runTimeoutMs 0): only the stall limit
;; (stallTimeoutMs 20 ms) can stop it, and must (run.stall). The job ends Failed with end cause timeout and keeps its
;; checkpoint. A host without a stall limit never ends this case.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "stall")                           ;; 5
  (data (i32.const 80) "execute_stall")                   ;; 13
  (data (i32.const 96) "before-spin")                     ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))

  (func (export "execute_stall") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 96) (i32.const 11)))
    (call $items (local.get $id) (i64.const 1))
    (loop $forever (br $forever))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
