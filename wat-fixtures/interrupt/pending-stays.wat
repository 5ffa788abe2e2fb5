;; A pause requested at the job's 2nd host call (job_increment_items, not a check) must stay pending for the rest of
;; the run: the check before it answers 0, the three checks after it all answer 1 (level-triggered, unlike core's
;; consume-on-read). The job returns 2 if any answer differs, else 1.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "pending-stays")                   ;; 13
  (data (i32.const 80) "execute_pending_stays")           ;; 21

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 13) (i32.const 80) (i32.const 21) (i32.const 1)))

  (func (export "execute_pending_stays") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $pauses i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; call 1: nothing requested yet
    (if (call $check_interrupt (local.get $id)) (then (return (i32.const 2))))
    ;; call 2: the scenario requests the pause here
    (call $items (local.get $id) (i64.const 1))
    ;; calls 3..5: each must answer 1 (pause)
    (local.set $pauses (i32.eq (call $check_interrupt (local.get $id)) (i32.const 1)))
    (local.set $pauses (i32.add (local.get $pauses) (i32.eq (call $check_interrupt (local.get $id)) (i32.const 1))))
    (local.set $pauses (i32.add (local.get $pauses) (i32.eq (call $check_interrupt (local.get $id)) (i32.const 1))))
    (if (i32.ne (local.get $pauses) (i32.const 3)) (then (return (i32.const 2))))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
