;; State bytes that are not UTF-8 are shown in a result as `hex:` and two lowercase hex digits per byte
;; (result.trace-text): the job checkpoints ff fe 00 41, loads them back, spawns a child with params 80, and pauses
;; itself (returns 1 unasked), leaving the checkpoint as its saved state.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "binary")             ;; 6
  (data (i32.const 72) "execute_binary")     ;; 14
  (data (i32.const 88) "leaf")               ;; 4
  (data (i32.const 96) "execute_leaf")       ;; 12
  (data (i32.const 112) "\ff\fe\00\41")      ;; 4
  (data (i32.const 120) "\80")               ;; 1

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))

  (func (export "execute_binary") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $checkpoint (local.get $id) (i32.const 112) (i32.const 4)) (then (return (i32.const 2))))
    (drop (call $load_state (local.get $id)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 120) (i32.const 1)))
    (i32.const 1))

  (func (export "execute_leaf") (param i32 i32 i32 i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
