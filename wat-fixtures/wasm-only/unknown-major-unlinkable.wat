;; WASM-only: a guest that asks for ABI 9.0 and also imports a function the table does not have fails for its version
;; (JP_ABI_VERSION), which loading checks before linking (link.order).
(module
  (import "spacedrive" "job_teleport" (func $teleport (param i32) (result i32)))
  (global (export "spacedrive_abi_version_9_0") i32 (i32.const 0))

  (func (export "execute_x") (param i32 i32 i32 i32) (result i32)
    (call $teleport (i32.const 0)))

  ;; @include "../lib/runtime.wat"
)
