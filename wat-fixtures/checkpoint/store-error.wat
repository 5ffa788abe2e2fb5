;; The state store fails the scenario's second save (storeFailures [2]); a checkpoint refused for its size never
;; reaches the store and is not counted. The job checkpoints 17 bytes (refused: LIMIT_EXCEEDED), "first" (save 1),
;; "second" (save 2: STORE_ERROR, 10, logged as "status=10"), loads its state (still "first"), then "third" (save 3,
;; kept: only the named save fails).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "flaky")                  ;; 5
  (data (i32.const 72) "execute_flaky")          ;; 13
  (data (i32.const 96) "seventeen-bytes!!")      ;; 17
  (data (i32.const 128) "first")                 ;; 5
  (data (i32.const 136) "second")                ;; 6
  (data (i32.const 144) "third")                 ;; 5
  (data (i32.const 160) "status=")               ;; 7

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_flaky") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $status i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 96) (i32.const 17)))
    (if (call $checkpoint (local.get $id) (i32.const 128) (i32.const 5)) (then (return (i32.const 2))))
    (local.set $status (call $checkpoint (local.get $id) (i32.const 136) (i32.const 6)))
    ;; log "status=<status>" from 1024
    (drop (call $copy (i32.const 1024) (i32.const 160) (i32.const 7)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 7) (call $write_u32 (i32.const 1031) (local.get $status))))
    (drop (call $load_state (local.get $id)))
    (if (call $checkpoint (local.get $id) (i32.const 144) (i32.const 5)) (then (return (i32.const 2))))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
