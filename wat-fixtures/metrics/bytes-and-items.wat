;; Counts bytes and items: bytes by 1000 and then by 5_000_000_000 (more than 2^32, so a host that truncates the
;; i64 to 32 bits would report 705032704 for it), items by 1, 1 and 3. Each increment leaves a metrics event with
;; its delta and the running total.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_bytes" (func $bytes (param i32 i64)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "bytes_and_items")          ;; 15
  (data (i32.const 80) "execute_bytes_and_items")  ;; 23

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 15) (i32.const 80) (i32.const 23) (i32.const 1)))

  (func (export "execute_bytes_and_items") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $bytes (local.get $id) (i64.const 1000))
    (call $bytes (local.get $id) (i64.const 5000000000))
    (call $items (local.get $id) (i64.const 1))
    (call $items (local.get $id) (i64.const 1))
    (call $items (local.get $id) (i64.const 3))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
