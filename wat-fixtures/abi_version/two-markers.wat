;; A guest exporting two different ABI markers (1.0 and 1.1) does not say which ABI it is built for: it fails to load
;; with JP_ABI_VERSION, whatever versions the host serves.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (global (export "spacedrive_abi_version_1_0") i32 (i32.const 0))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))
  (data (i32.const 64) "hello")          ;; 5
  (data (i32.const 80) "execute_hello")  ;; 13

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))

  (func (export "execute_hello") (param i32 i32 i32 i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
