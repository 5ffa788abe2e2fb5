;; A data segment that ends past the initial memory: the module validates and links, and instantiation traps
;; ("data segment is out of bounds"). The guest fails to load with JP_INIT_FAILED; the host carries on.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (data (i32.const 65535) "xx")
  (func (export "plugin_init") (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
