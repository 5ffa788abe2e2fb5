;; plugin_init registers its job and then traps: the guest does not load (JP_INIT_FAILED, with the trap's message).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (data (i32.const 64) "never")                           ;; 5
  (data (i32.const 80) "execute_never")                   ;; 13
  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))
    (unreachable))
  (func (export "execute_never") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
