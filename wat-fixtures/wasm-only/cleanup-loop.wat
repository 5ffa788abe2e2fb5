;; WASM-only: a plugin_cleanup that never returns is stopped by runTimeoutMs, and the case ends as it would have: the
;; job Completed, its result answered.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "work")
  (data (i32.const 72) "execute_work")

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32)
    (loop $spin (br $spin))
    (i32.const 0))

  (func (export "execute_work") (param i32 i32 i32 i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
