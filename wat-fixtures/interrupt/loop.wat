;; Counts five items, checking for an interrupt before each. On an interrupt it checkpoints "next=N" (the first item
;; not yet counted) and returns 1; started from such a state it continues at N. Paused at the third check and
;; resumed, every item must be counted exactly once (pause-resume.json); cancelled at the second check, returning 1
;; must end the job Cancelled and discard the checkpoint (cancel.json).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))

  (data (i32.const 64) "loop")                    ;; 4
  (data (i32.const 80) "execute_loop")            ;; 12
  (data (i32.const 112) "next=")                  ;; 5

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 4) (i32.const 80) (i32.const 12) (i32.const 1)))

  ;; Writes "next=N" at 1024; returns its length.
  (func $state (param $next i32) (result i32)
    (drop (call $copy (i32.const 1024) (i32.const 112) (i32.const 5)))
    (i32.add (i32.const 5) (call $write_u32 (i32.const 1029) (local.get $next))))

  (func (export "execute_loop") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $next i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; resumed: continue at "next=N" (absent state: 0)
    (local.set $next (call $u32_after (local.get $st) (local.get $st_len) (i32.const 112) (i32.const 5)))
    (block $done
      (loop $item
        (br_if $done (i32.ge_u (local.get $next) (i32.const 5)))
        (if (call $check_interrupt (local.get $id))
          (then
            (if (call $checkpoint (local.get $id) (i32.const 1024) (call $state (local.get $next)))
              (then (return (i32.const 2))))
            (return (i32.const 1))))
        (call $items (local.get $id) (i64.const 1))
        (local.set $next (i32.add (local.get $next) (i32.const 1)))
        (br $item)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
