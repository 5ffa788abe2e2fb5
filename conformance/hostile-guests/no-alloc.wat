;; A guest without wasm_alloc: the host could never pass it a context, so it does not link (JP_LINK, naming the
;; missing `wasm_alloc` export).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "no_alloc")                        ;; 8
  (data (i32.const 80) "execute_no_alloc")                ;; 16
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))
  (func (export "execute_no_alloc") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
