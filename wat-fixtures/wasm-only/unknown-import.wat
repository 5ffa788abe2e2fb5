;; WASM-only: imports that are not in the ABI table (a `spacedrive` function it does not have, and a function from
;; another module) fail the load with JP_LINK, before anything runs.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_teleport" (func $teleport (param i32) (result i32)))
  (import "env" "helper" (func $helper))

  (data (i32.const 64) "x")
  (data (i32.const 72) "execute_x")

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 1) (i32.const 72) (i32.const 9) (i32.const 1)))

  (func (export "execute_x") (param i32 i32 i32 i32) (result i32)
    (call $helper)
    (call $teleport (i32.const 0)))

  ;; @include "../lib/runtime.wat"
)
