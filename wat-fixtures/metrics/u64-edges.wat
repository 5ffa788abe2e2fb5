;; The i64 a guest passes is a u64: bytes by i64 -1 is 2^64-1, and a further 5 saturates at 2^64-1 (no wrap to 4);
;; items by i64 0x8000000000000000 is 2^63 (not a negative count), and a further 2^63-1 reaches exactly 2^64-1.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "u64_edges")          ;; 9
  (data (i32.const 80) "execute_u64_edges")  ;; 17

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  (func (export "execute_u64_edges") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $bytes (local.get $id) (i64.const -1))                  ;; u64 max
    (call $bytes (local.get $id) (i64.const 5))                   ;; saturates
    (call $items (local.get $id) (i64.const 0x8000000000000000))  ;; 2^63, i64 min as a signed value
    (call $items (local.get $id) (i64.const 0x7fffffffffffffff))  ;; 2^63-1: the total is exactly u64 max
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
