;; Under maxStateBytes 64 the job checkpoints 64 bytes of "a" (0), then 65 bytes (4 LIMIT_EXCEEDED), then its whole
;; first memory page, 65536 bytes (4), logs "checkpoint: 0 4 4", loads its state back (the 64 bytes: the refused
;; checkpoints kept the previous one) and returns 2: the job ends Failed and the 64-byte checkpoint stays saved.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "big_state")                       ;; 9
  (data (i32.const 80) "execute_big_state")               ;; 17
  (data (i32.const 100) "checkpoint:")                    ;; 11

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 9) (i32.const 80) (i32.const 17) (i32.const 1)))

  (func (export "execute_big_state") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $p i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (memory.fill (i32.const 2048) (i32.const 97) (i32.const 65)) ;; 65 x "a"
    (local.set $p (i32.add (i32.const 1024) (call $copy (i32.const 1024) (i32.const 100) (i32.const 11))))
    (local.set $p (call $status (local.get $p) (call $checkpoint (local.get $id) (i32.const 2048) (i32.const 64))))
    (local.set $p (call $status (local.get $p) (call $checkpoint (local.get $id) (i32.const 2048) (i32.const 65))))
    (local.set $p (call $status (local.get $p) (call $checkpoint (local.get $id) (i32.const 0) (i32.const 65536))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024)))
    (drop (call $load_state (local.get $id)))
    (i32.const 2))

  ;; Writes " <status>" at $p; returns the new end.
  (func $status (param $p i32) (param $status i32) (result i32)
    (i32.store8 (local.get $p) (i32.const 32))
    (i32.add (i32.add (local.get $p) (i32.const 1)) (call $write_u32 (i32.add (local.get $p) (i32.const 1)) (local.get $status))))

  ;; @include "../lib/runtime.wat"
)
