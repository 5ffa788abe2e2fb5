;; ABI 1.1: job_checkpoint_stateless is core's checkpoint() without state: the job's checkpoint becomes none. Started
;; with state "start" and a pause due at its first check, the job logs the state it got, checkpoints "step-1", sees
;; the pause (1), checkpoints without state (0, while the pause is pending), finds no state to load and returns 1:
;; Paused. Resumed, its run gets the initial state "start" again, not "step-1", and it completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint_stateless" (func $stateless (param i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "restart")               ;; 7
  (data (i32.const 72) "execute_restart")       ;; 15
  (data (i32.const 88) "state=")                ;; 6
  (data (i32.const 96) "step-1")                ;; 6
  (data (i32.const 104) "stateless=")           ;; 10
  (data (i32.const 120) "loaded: none")         ;; 12
  (data (i32.const 136) "loaded: some")         ;; 12

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_restart") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $status i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; "state=<the state this run got>"
    (drop (call $copy (i32.const 2048) (i32.const 88) (i32.const 6)))
    (drop (call $copy (i32.const 2054) (local.get $st) (local.get $st_len)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048) (i32.add (i32.const 6) (local.get $st_len)))
    (if (i32.eqz (call $check_interrupt (local.get $id))) (then (return (i32.const 0))))
    ;; interrupted: checkpoint, then checkpoint without state
    (if (call $checkpoint (local.get $id) (i32.const 96) (i32.const 6)) (then (return (i32.const 2))))
    (local.set $status (call $stateless (local.get $id)))
    (drop (call $copy (i32.const 2048) (i32.const 104) (i32.const 10)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 2048)
      (i32.add (i32.const 10) (call $write_u32 (i32.const 2058) (local.get $status))))
    (if (call $load_state (local.get $id))
      (then (call $job_log (local.get $id) (i32.const 1) (i32.const 136) (i32.const 12)))
      (else (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 12))))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
