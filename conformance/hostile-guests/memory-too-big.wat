;; A guest whose initial memory (8 pages) is already larger than the host's cap (scenario: maxMemoryPages 4) cannot
;; load: JP_MEMORY_LIMIT.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 8)
  (data (i32.const 64) "big")                             ;; 3
  (data (i32.const 80) "execute_big")                     ;; 11
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 3) (i32.const 80) (i32.const 11) (i32.const 1)))
  (func (export "execute_big") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
