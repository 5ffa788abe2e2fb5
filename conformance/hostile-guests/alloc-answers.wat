;; wasm_alloc misbehaving while the host writes answers into the guest during a job. The job checkpoints "saved"
;; and then, with its allocator returning 0, 0xfffffff0 and END - 2 in turn, calls job_load_state, job_spawn_child
;; and spacedrive_call: every answer is refused with ALLOCATION_FAILED and the call answers 0. With the allocator
;; restored, load_state answers again. The job logs "answers: 0 0 0 | 0 0 0 | 0 0 0 | 1" and then, with an
;; allocator that traps, calls load_state once more: that trap is the job's (Failed, cause trap, "unreachable";
;; the checkpoint "saved" kept). The two children whose spawn was answered 0 were queued all the same and run (on
;; a fresh instance, as the parent's trapped): see the report. The jobs `trap_in_spawn` and `trap_in_call` checkpoint
;; "saved" and call job_spawn_child or spacedrive_call with an allocator that traps: the job fails with that trap,
;; after the host has queued the child or performed the call.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "answers")                         ;; 7
  (data (i32.const 72) "child")                           ;; 5
  (data (i32.const 80) "execute_answers")                 ;; 15
  (data (i32.const 96) "execute_child")                   ;; 13
  (data (i32.const 112) "saved")                          ;; 5
  (data (i32.const 120) "query:libraries.list")           ;; 20
  (data (i32.const 144) "answers:")                       ;; 8
  (data (i32.const 152) " |")                             ;; 2
  (data (i32.const 160) "child ran")                      ;; 9
  (data (i32.const 176) "trap_in_spawn")                  ;; 13
  (data (i32.const 192) "trap_in_call")                   ;; 12
  (data (i32.const 208) "execute_trap_in_spawn")          ;; 21
  (data (i32.const 232) "execute_trap_in_call")           ;; 20

  (global $line (mut i32) (i32.const 1024))
  (func $text (param $text i32) (param $len i32)
    (global.set $line (i32.add (global.get $line) (call $copy (global.get $line) (local.get $text) (local.get $len)))))
  (func $num (param $n i32)
    (i32.store8 (global.get $line) (i32.const 32))
    (global.set $line (i32.add (i32.add (global.get $line) (i32.const 1))
      (call $write_u32 (i32.add (global.get $line) (i32.const 1)) (local.get $n)))))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 15) (i32.const 1)))
    (drop (call $register_job (i32.const 176) (i32.const 13) (i32.const 208) (i32.const 21) (i32.const 1)))
    (drop (call $register_job (i32.const 192) (i32.const 12) (i32.const 232) (i32.const 20) (i32.const 1)))
    (call $register_job (i32.const 72) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  ;; load_state, spawn_child and spacedrive_call under allocator mode $mode; appends their answers.
  (func $round (param $id i32) (param $mode i32)
    (global.set $alloc_mode (local.get $mode))
    (call $num (call $load_state (local.get $id)))
    (call $num (call $spawn (local.get $id) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0)))
    (call $num (call $call (i32.const 120) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (global.set $alloc_mode (i32.const 0)))

  (func (export "execute_answers") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 5)))
    (call $text (i32.const 144) (i32.const 8))
    (call $round (local.get $id) (i32.const 1))
    (call $text (i32.const 152) (i32.const 2))
    (call $round (local.get $id) (i32.const 2))
    (call $text (i32.const 152) (i32.const 2))
    (call $round (local.get $id) (i32.const 3))
    (call $text (i32.const 152) (i32.const 2))
    (call $num (i32.ne (call $load_state (local.get $id)) (i32.const 0)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.sub (global.get $line) (i32.const 1024)))
    (global.set $alloc_mode (i32.const 4))
    (drop (call $load_state (local.get $id)))
    (i32.const 0))

  (func (export "execute_trap_in_spawn") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 5)))
    (global.set $alloc_mode (i32.const 4))
    (drop (call $spawn (local.get $id) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_trap_in_call") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 112) (i32.const 5)))
    (global.set $alloc_mode (i32.const 4))
    (drop (call $call (i32.const 120) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 160) (i32.const 9))
    (i32.const 0))

  ;; @include "lib/alloc-runtime.wat"
)
