;; A guest with a memory it does not export: the host could not read or write anything, so it does not link
;; (JP_LINK, naming the missing `memory` export).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 64) "hidden")                          ;; 6
  (data (i32.const 80) "execute_hidden")                  ;; 14
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))
  (func (export "execute_hidden") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
