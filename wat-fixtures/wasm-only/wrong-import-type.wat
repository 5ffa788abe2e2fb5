;; WASM-only: job_checkpoint imported with another type ((i32) -> (i32) instead of (i32, i32, i32) -> (i32)) fails the
;; load with JP_LINK. A host without a signature check would call its checkpoint with missing arguments.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32) (result i32)))

  (data (i32.const 64) "x")
  (data (i32.const 72) "execute_x")

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 1) (i32.const 72) (i32.const 9) (i32.const 1)))

  (func (export "execute_x") (param $ctx i32) (param i32 i32 i32) (result i32)
    (drop (call $checkpoint (call $job_id (local.get $ctx))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
