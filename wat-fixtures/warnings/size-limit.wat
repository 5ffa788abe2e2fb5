;; Under a message limit of 4 bytes: the warning "éé" (4 UTF-8 bytes) is recorded and counted; "ééé" (6 bytes)
;; is refused with LIMIT_EXCEEDED, is not recorded or counted, and the job carries on. The limit is in UTF-8 bytes
;; on both sides: the native twin passes "ééé" as a JS string of 3 UTF-16 units, which must not slip under it.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))

  (data (i32.const 64) "size_limit")                   ;; 10
  (data (i32.const 80) "execute_size_limit")           ;; 18
  (data (i32.const 112) "\c3\a9\c3\a9")                ;; 4: "éé"
  (data (i32.const 120) "\c3\a9\c3\a9\c3\a9")          ;; 6: "ééé"

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 10) (i32.const 80) (i32.const 18) (i32.const 1)))

  (func (export "execute_size_limit") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $warning (local.get $id) (i32.const 112) (i32.const 4))  ;; exactly at the limit: recorded
    (call $warning (local.get $id) (i32.const 120) (i32.const 6))  ;; over it: LIMIT_EXCEEDED
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
