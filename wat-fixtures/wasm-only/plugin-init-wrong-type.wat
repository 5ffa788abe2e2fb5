;; WASM-only: a plugin_init of type () -> () (no status) fails the load with JP_LINK.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "x")
  (data (i32.const 72) "execute_x")

  (func (export "plugin_init")
    (drop (call $register_job (i32.const 64) (i32.const 1) (i32.const 72) (i32.const 9) (i32.const 1))))

  (func (export "execute_x") (param i32 i32 i32 i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
