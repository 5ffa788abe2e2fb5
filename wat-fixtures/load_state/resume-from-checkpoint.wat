;; First run (no state): checkpoint "resume-here", see the pause, return 1. The resumed run must get that checkpoint
;; both as its state argument and from job_load_state; it logs both ("arg=..." and "loaded=...") and checks each is
;; exactly "resume-here" before completing (2 otherwise).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_load_state" (func $load_state (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "resume-from-checkpoint")            ;; 22
  (data (i32.const 96) "execute_resume_from_checkpoint")    ;; 30
  (data (i32.const 128) "resume-here")                      ;; 11
  (data (i32.const 144) "arg=")                             ;; 4
  (data (i32.const 152) "loaded=")                          ;; 7

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 22) (i32.const 96) (i32.const 30) (i32.const 1)))

  ;; Logs the prefix followed by the $len bytes at $src (assembled at 1024).
  (func $log_with (param $id i32) (param $prefix i32) (param $prefix_len i32) (param $src i32) (param $len i32)
    (drop (call $copy (i32.const 1024) (local.get $prefix) (local.get $prefix_len)))
    (drop (call $copy (i32.add (i32.const 1024) (local.get $prefix_len)) (local.get $src) (local.get $len)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024) (i32.add (local.get $prefix_len) (local.get $len))))

  ;; 1 if the $len bytes at $src are exactly "resume-here".
  (func $is_checkpoint (param $src i32) (param $len i32) (result i32)
    (local $i i32)
    (if (i32.ne (local.get $len) (i32.const 11)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 11)))
        (if (i32.ne (i32.load8_u (i32.add (local.get $src) (local.get $i)))
                    (i32.load8_u (i32.add (i32.const 128) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func (export "execute_resume_from_checkpoint") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $answer i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (local.get $st_len))
      (then
        ;; first run: save, then stop at the pause
        (if (call $checkpoint (local.get $id) (i32.const 128) (i32.const 11)) (then (return (i32.const 2))))
        (if (call $check_interrupt (local.get $id)) (then (return (i32.const 1))))
        (return (i32.const 2))))
    ;; resumed run
    (call $log_with (local.get $id) (i32.const 144) (i32.const 4) (local.get $st) (local.get $st_len))
    (local.set $answer (call $load_state (local.get $id)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 2))))
    (call $log_with (local.get $id) (i32.const 152) (i32.const 7)
      (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)))
    (if (i32.eqz (call $is_checkpoint (local.get $st) (local.get $st_len))) (then (return (i32.const 2))))
    (if (i32.eqz (call $is_checkpoint (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer))))
      (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
