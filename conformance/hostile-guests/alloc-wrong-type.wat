;; A guest whose `memory` export is a global and whose wasm_alloc takes and returns i64: it does not link
;; (JP_LINK), and the error names both exports.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (memory 1)
  (global (export "memory") i32 (i32.const 0))
  (func (export "wasm_alloc") (param i64) (result i64) (i64.const 4096))
  (func (export "plugin_init") (result i32) (i32.const 0)))
