;; WASM-only: which instance is live at the end of a case (run.retire, run.cleanup). The parent runs on instance A and
;; waits for two children: the first traps there, retiring A (the parent goes on running on it); the second gets a
;; fresh instance B, which is then the live one. Every run counts itself at 2048 of its instance's memory. After the
;; wait the parent writes "parent: A!" at 3072 of A; started with the state "trap" it then traps (on A: B stays
;; live), otherwise it returns 0. When the case ends, plugin_cleanup runs once, on B: it writes "cleanup: <runs B
;; saw>" at 3072 of B's memory and logs it, "cleanup: 1". A host that retires B for the parent's trap calls no
;; cleanup; one that reads the cleanup's line from A's memory logs "parent: A!".
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                ;; 6
  (data (i32.const 72) "execute_parent")        ;; 14
  (data (i32.const 88) "ok")                    ;; 2
  (data (i32.const 96) "execute_ok")            ;; 10
  (data (i32.const 112) "trap")                 ;; 4
  (data (i32.const 120) "execute_trap")         ;; 12
  (data (i32.const 136) "parent: A!")           ;; 10
  (data (i32.const 152) "cleanup: ")            ;; 9

  (func $count_run
    (i32.store (i32.const 2048) (i32.add (i32.load (i32.const 2048)) (i32.const 1))))

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 2) (i32.const 96) (i32.const 10) (i32.const 1)))
    (call $register_job (i32.const 112) (i32.const 4) (i32.const 120) (i32.const 12) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32)
    (memory.copy (i32.const 3072) (i32.const 152) (i32.const 9))
    (i32.store8 (i32.const 3081) (i32.add (i32.const 48) (i32.load (i32.const 2048))))
    (call $log (i32.const 1) (i32.const 3072) (i32.const 10))
    (i32.const 0))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (call $count_run)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 2) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $wait (local.get $id))) (then (return (i32.const 2))))
    (memory.copy (i32.const 3072) (i32.const 136) (i32.const 10))
    ;; the state "trap" (its first byte 't')
    (if (i32.and (i32.ne (local.get $st_len) (i32.const 0)) (i32.eq (i32.load8_u (local.get $st)) (i32.const 116)))
      (then (unreachable)))
    (i32.const 0))

  (func (export "execute_ok") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $count_run)
    (i32.const 0))

  (func (export "execute_trap") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $count_run)
    (unreachable))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
