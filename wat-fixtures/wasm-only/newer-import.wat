;; WASM-only: a guest without a version marker asks for ABI 1.0, which has no job_metrics (ABI 1.1 added it): it
;; fails to load with JP_LINK on a host that serves 1.1, as an unknown import would. A 1.0 guest sees exactly 1.0.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_metrics" (func $metrics (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "wasm_alloc") (param i32) (result i32) (i32.const 4096))
  (func (export "execute_x") (param i32 i32 i32 i32) (result i32) (i32.const 0)))
